"""Travel Bot runtime: the Lambda package and the local server that wraps the same handler."""
