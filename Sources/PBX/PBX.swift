// PBX module.
