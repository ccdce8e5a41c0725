// Importing the `./cli` subpath runs the `enet` command with this process's arguments.
import "@x/enet/cli";
