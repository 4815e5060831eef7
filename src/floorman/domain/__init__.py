"""The floor's rules: seats, away slips, visitors, handover, checklists, staffing.

Plain Python over a Session; never imports Textual. The CLI and the screens both call
these functions, so every rule exists once.
"""
