// EventLoop module.
