"""Pure scoring: plain, frozen data in, plain results out. No ORM, request or settings."""
