// Agent module.
