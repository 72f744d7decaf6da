"""What a signed-in person sees first: the home page for their role (what waits for their answer,
their listings or requests, their matches; staff: their queues) and the short role pages /sell and
/buy that lead to the listing and request forms, asking which organisation only when there are
several."""
