package compatmod;
# A module of the agent's own, found through -I `pwd`/lib.
sub name { return "compatmod" }
1;
