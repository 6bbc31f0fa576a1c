/* main.c: gammatop-sim scaffold until the simulator lands. */
#include <stdio.h>
int main(void) { fputs("gammatop-sim: not built yet\n", stderr); return 2; }
