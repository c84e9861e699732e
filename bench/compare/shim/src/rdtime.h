#pragma once
/* Stand-in for librdkafka's internal src/rdtime.h: rd_clock(), monotonic microseconds. */
#include <time.h>
#include "rd.h"
static inline rd_ts_t rd_clock(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ((rd_ts_t)ts.tv_sec * 1000000LL) + ((rd_ts_t)ts.tv_nsec / 1000);
}
