complete --keep-order --exclusive --command resumectl --arguments "(COMPLETE=fish resumectl -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
