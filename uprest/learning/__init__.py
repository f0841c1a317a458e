"""The learner side: enrolments, progress from the learning record, certificates."""
