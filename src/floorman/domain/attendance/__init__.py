"""Attendance (考勤): the roster, late and early by the manual's rules, absence, leave.

Sign-in and sign-out come from the seat history (an agent's first staffed state in a
shift, the moment they last left a seat) unless the duty manager recorded them by hand,
which wins: on a night when the phone system is down, the paper list is the truth.
The manual: late or early up to 5 minutes costs 2 yuan, up to 10 minutes 5 yuan; 30
minutes or more counts as half a day absent; 3 in a row or 5 in a month adds 20 yuan,
5 in a row or 10 in a month adds 50; three days absent in a month means dismissal.

Modules: `roster` (importing shifts, marks by hand), `days` (one shift by the rules),
`month` (the monthly summary, its CSV and reminder), `leave` (requests and approval),
`inputs` (dates, times and agents as typed).
"""
