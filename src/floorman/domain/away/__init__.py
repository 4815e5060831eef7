"""Away slips (示忙单) and the five-minute rule: limits and bands (rules), what screens
show (views), the alerts of a slip that is out (alert_plan), where slips are read and
written (book), following the seat (follow), the allowed transitions (lifecycle), what
the duty manager does with a slip (actions), the away log and its CSV (log)."""
