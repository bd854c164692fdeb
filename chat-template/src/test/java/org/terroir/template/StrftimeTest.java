package org.terroir.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected values are what Python 3 (glibc) prints for datetime(...).strftime(format). */
class StrftimeTest {
    private static final LocalDateTime SATURDAY = LocalDateTime.of(2026, 3, 7, 9, 5, 4);
    private static final LocalDateTime ISO_EDGE = LocalDateTime.of(2024, 12, 30, 21, 40, 0);

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "%Y-%m-%d | 2026-03-07 | 2024-12-30",
        "%d %b %Y | 07 Mar 2026 | 30 Dec 2024",
        "\"%B %d, %Y\" | \"March 07, 2026\" | \"December 30, 2024\"",
        "%A %a %j | Saturday Sat 066 | Monday Mon 365",
        "%H:%M:%S %I %p %y | 09:05:04 09 AM 26 | 21:40:00 09 PM 24",
        "\"%-d/%-m %e,%k,%l\" | \"7/3  7, 9, 9\" | \"30/12 30,21, 9\"",
        "%U %W %V %G %g %u %w | 09 09 10 2026 26 6 6 | 52 53 01 2025 25 1 1",
        "%c | Sat Mar  7 09:05:04 2026 | Mon Dec 30 21:40:00 2024",
        "%x %X %D %F %T %R %r | 03/07/26 09:05:04 03/07/26 2026-03-07 09:05:04 09:05 09:05:04 AM | 12/30/24 21:40:00 12/30/24 2024-12-30 21:40:00 21:40 09:40:00 PM",
        "\"%% %z,%Z, %C %h\" | \"% ,, 20 Mar\" | \"% ,, 20 Dec\"",
        "%Q trailing % | %Q trailing % | %Q trailing %",
    })
    void formatsAsPython(String format, String saturday, String isoEdge) {
        assertEquals(saturday, Strftime.format(format, SATURDAY));
        assertEquals(isoEdge, Strftime.format(format, ISO_EDGE));
    }
}
