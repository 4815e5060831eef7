"""What every area of the floor shares: who acts (context), errors, text rules, the one
id-prefix lookup and the floor's vocabularies (states)."""
