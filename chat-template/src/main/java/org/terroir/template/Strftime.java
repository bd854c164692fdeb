package org.terroir.template;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.temporal.IsoFields;

/**
 * Python's {@code datetime.now().strftime(format)} as transformers' {@code strftime_now} calls it: a naive local
 * time, the C locale (English names), glibc's conversions and its {@code -}, {@code _} and {@code 0} flags.
 * {@code %z} and {@code %Z} are empty, as they are for a naive datetime. Unknown conversions are copied as they
 * are. (@huggingface/jinja's own strftime_now knows only %Y %m %d %b %B %H %M and names months in the default
 * locale, so it is replaced.)
 */
final class Strftime {
    private static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};

    private Strftime() {
    }

    static String format(String format, LocalDateTime t) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i++);
            if (c != '%' || i >= format.length()) {
                out.append(c);
                continue;
            }
            int start = i - 1;
            char flag = 0;
            char k = format.charAt(i);
            if (k == '-' || k == '_' || k == '0' || k == '^' || k == '#') {
                flag = k;
                if (++i >= format.length()) {
                    out.append(format, start, i);
                    break;
                }
                k = format.charAt(i);
            }
            i++;
            String s = conversion(k, flag, t);
            if (s == null) {
                out.append(format, start, i);
            } else {
                out.append(flag == '^' ? s.toUpperCase(java.util.Locale.ROOT) : s);
            }
        }
        return out.toString();
    }

    private static String conversion(char k, char flag, LocalDateTime t) {
        int wday = t.getDayOfWeek().getValue() % 7; // Sunday = 0
        int yday = t.getDayOfYear() - 1;
        int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        return switch (k) {
            case 'a' -> DAYS[t.getDayOfWeek().getValue() - 1].substring(0, 3);
            case 'A' -> DAYS[t.getDayOfWeek().getValue() - 1];
            case 'b', 'h' -> MONTHS[t.getMonthValue() - 1].substring(0, 3);
            case 'B' -> MONTHS[t.getMonthValue() - 1];
            case 'c' -> format("%a %b %e %H:%M:%S %Y", t);
            case 'C' -> num(t.getYear() / 100, 2, '0', flag);
            case 'd' -> num(t.getDayOfMonth(), 2, '0', flag);
            case 'D', 'x' -> format("%m/%d/%y", t);
            case 'e' -> num(t.getDayOfMonth(), 2, ' ', flag);
            case 'F' -> format("%Y-%m-%d", t);
            case 'g' -> num(t.get(IsoFields.WEEK_BASED_YEAR) % 100, 2, '0', flag);
            case 'G' -> Integer.toString(t.get(IsoFields.WEEK_BASED_YEAR));
            case 'H' -> num(t.getHour(), 2, '0', flag);
            case 'I' -> num(hour12, 2, '0', flag);
            case 'j' -> num(yday + 1, 3, '0', flag);
            case 'k' -> num(t.getHour(), 2, ' ', flag);
            case 'l' -> num(hour12, 2, ' ', flag);
            case 'm' -> num(t.getMonthValue(), 2, '0', flag);
            case 'M' -> num(t.getMinute(), 2, '0', flag);
            case 'n' -> "\n";
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'P' -> t.getHour() < 12 ? "am" : "pm";
            case 'r' -> format("%I:%M:%S %p", t);
            case 'R' -> format("%H:%M", t);
            case 'S' -> num(t.getSecond(), 2, '0', flag);
            case 't' -> "\t";
            case 'T', 'X' -> format("%H:%M:%S", t);
            case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
            case 'U' -> num((yday + 7 - wday) / 7, 2, '0', flag);
            case 'V' -> num(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2, '0', flag);
            case 'w' -> Integer.toString(wday);
            case 'W' -> num((yday + 7 - (t.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue())) / 7, 2, '0', flag);
            case 'y' -> num(t.getYear() % 100, 2, '0', flag);
            case 'Y' -> Integer.toString(t.getYear());
            case 'f' -> num(t.getNano() / 1000, 6, '0', flag);
            case 'z', 'Z' -> "";
            case '%' -> "%";
            default -> null;
        };
    }

    private static String num(int value, int width, char pad, char flag) {
        String digits = Integer.toString(value);
        if (flag == '-') {
            return digits;
        }
        char p = flag == '_' ? ' ' : flag == '0' ? '0' : pad;
        StringBuilder out = new StringBuilder();
        for (int n = digits.length(); n < width; n++) {
            out.append(p);
        }
        return out.append(digits).toString();
    }
}
