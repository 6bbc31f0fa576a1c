/* fuzz_duration.c: duration_parse on arbitrary strings; whatever parses must format to a
 * canonical string that parses back to the same value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/duration.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128];
	if (size >= sizeof s)
		size = sizeof s - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	uint64_t ms, back;
	char err[128], buf[64], human[64];
	if (duration_parse(s, &ms, err, sizeof err) == 0) {
		if (!duration_valid(s))
			abort();
		duration_format(ms, buf, sizeof buf);
		if (duration_parse(buf, &back, NULL, 0) != 0 || (ms <= DURATION_MAX_MS && back != ms))
			abort();
		duration_human(ms, human, sizeof human);
	} else if (!err[0] || duration_valid(s)) {
		abort();
	}
	/* Any 8 bytes as a number also format and parse back. */
	if (size >= 8) {
		memcpy(&ms, data, 8);
		duration_format(ms, buf, sizeof buf);
		if (duration_parse(buf, &back, NULL, 0) != 0)
			abort();
		if (ms <= DURATION_MAX_MS && back != ms)
			abort();
		duration_human(ms, human, sizeof human);
	}
	return 0;
}
