

def test_a_day_before_2000_is_a_typing_slip():
    from datetime import date

    from marketplace.activity import rules
    from marketplace.problems import Problems

    found = Problems()
    rules.check_activity(found, kind="meeting", topic="Họp", held_on=date(1900, 1, 1), today=date(2026, 12, 7),
                         attendees=None, texts={})
    rules.check_concern(found, kind="difficulty", title="Thiếu kho lạnh", raised_on=date(1999, 12, 31),
                        today=date(2026, 12, 7), texts={})
    assert found.fields == {"held_on": ["too_old"], "raised_on": ["too_old"]}
