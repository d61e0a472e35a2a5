"""Operator tasks: demo data, backups, partitions, monitoring and benchmark data builders."""
