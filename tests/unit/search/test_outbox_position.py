"""How far an index has followed the outbox: contiguous ids advance at once; a gap below a handled
row (a transaction that took its id earlier and has not committed yet) is waited for, up to the
late window, then given up as rolled back."""

from marketplace.changes.follow import LATE_WINDOW, Position

NOW = 1_800_000_000.0
LATE = LATE_WINDOW.total_seconds()


def test_contiguous_rows_advance_the_position():
    position = Position(upto=3, seen={4: NOW, 5: NOW})
    position.advance(NOW)
    assert (position.upto, position.seen) == (5, {})


def test_a_recent_gap_is_waited_for():
    position = Position(upto=3, seen={5: NOW - 1, 6: NOW})
    position.advance(NOW)
    assert position.upto == 3 and set(position.seen) == {5, 6}
    assert not position.handled(4) and position.handled(5) and position.handled(3)


def test_a_gap_older_than_the_late_window_is_given_up():
    position = Position(upto=3, seen={5: NOW - LATE - 1, 7: NOW})
    position.advance(NOW)
    assert position.upto == 5 and set(position.seen) == {7}


def test_the_position_survives_a_round_trip_through_json():
    import json

    position = Position(upto=9, seen={11: NOW}, updated_at=NOW)
    again = Position.load(json.loads(json.dumps(position.dump())))
    assert again == position


def test_an_unknown_position_starts_from_the_beginning():
    assert Position.load({}) == Position()
