"""The action plan: what each action would move, the plan page's reads, its exports."""
