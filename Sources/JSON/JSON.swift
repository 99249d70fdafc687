// JSON module.
