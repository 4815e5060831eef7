"""Seats and agent states: applying a state change (events), many at once (batch, over
the floor held in memory and rows written in bulk), what screens show (views), a seat's
history, importing the floor, and who follows a change (follow: the away rules register
there, so seats never import away)."""
