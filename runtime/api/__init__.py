"""The HTTP edge: the Lambda handler and its routes, request validation, response helpers,
the web chat page, and the local server that turns HTTP into the same API Gateway events."""
