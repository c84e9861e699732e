// Round trips of a quarter of the generated messages (see roundtrip_test.h).
#include "protocol/generated/all_messages.h"
#define SLUICE_ROUNDTRIP_PART SLUICE_FOR_EACH_MESSAGE_PART_1
#include "protocol/tests/roundtrip_test.h"
