"""Club activity (issue #20): meetings, trainings and workshops a club held, and the difficulties
and proposals it raised, with staff's answers."""
