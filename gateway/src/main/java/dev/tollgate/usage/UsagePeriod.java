package dev.tollgate.usage;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A reporting period ending now: rolling windows ({@code 1h}, {@code 24h}, {@code 7d}, {@code 30d}) or
 * calendar periods in UTC ({@code day}: today so far, {@code month}: this month so far).
 */
public record UsagePeriod(String name, Instant from, Instant to) {

    public static final String CHOICES = "1h, 24h, 7d, 30d, day or month";

    /** The period called {@code name} as of {@code now}; {@code null} when there is no such period. */
    public static UsagePeriod parse(String name, Instant now) {
        return switch (name) {
            case "1h" -> new UsagePeriod(name, now.minus(Duration.ofHours(1)), now);
            case "24h" -> new UsagePeriod(name, now.minus(Duration.ofHours(24)), now);
            case "7d" -> new UsagePeriod(name, now.minus(Duration.ofDays(7)), now);
            case "30d" -> new UsagePeriod(name, now.minus(Duration.ofDays(30)), now);
            case "day" -> new UsagePeriod(name, now.truncatedTo(ChronoUnit.DAYS), now);
            case "month" -> new UsagePeriod(name, monthStart(YearMonth.from(now.atZone(ZoneOffset.UTC))), now);
            default -> null;
        };
    }

    public static Instant monthStart(YearMonth month) {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
