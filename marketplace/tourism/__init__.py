"""Rural tourism (issue #18): clubs publish visits, picking, farm stays and boat trips; visitors
find them on /search and ask for a date and group size; the club accepts or proposes another date."""
