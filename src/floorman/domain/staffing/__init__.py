"""How many people the floor needs: Erlang C, the manual's seat table, required against staffed.

Three ways to answer "do I have enough people on the floor":

* **Erlang C** (`erlang_staffing`, `erlang_for_agents`): calls per interval, average
  handle time and a service-level target give the smallest number of agents that meets
  both the target and a maximum occupancy, then the number to schedule after shrinkage.
  The probability of waiting comes from the Erlang B recursion converted to Erlang C,
  never from factorials, so it answers for thousands of agents without overflow.
* **The manual's rules** (座席配备原则, `manual_plan`): busy-hour calls -> seats from a
  table (configurable, `SeatTable`), front-line agents = seats x b, back office 1 per 15,
  QA 1 per 25 agents, duty managers 3-6, spares 5% of the center's headcount.
* **Required against staffed** (`required_from_volume`, `read_forecast`,
  `required_from_forecast`, `compare_with_floor`): seats required per interval from a
  typed busy-hour volume or a forecast CSV (interval,calls,aht), against the seats
  staffed right now.

Modules: `erlang`, `manual` (the seat table and the manual's posts), `required` (seats per
interval), `forecast` (reading a forecast CSV), `gap` (required against staffed),
`defaults` (the floor's Erlang C defaults), `plan` (the stored plan the header shows),
`numbers` (shared number checks). Only `plan` writes to the database.
"""
