"""The mentor directory: the roster (mentors.yaml) and hints of similar mentors."""
