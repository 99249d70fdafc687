import CSystem

/// UTC timestamps as text, from realtime milliseconds. The calendar maths is in C
/// (`csys_utc_fields`) on `int64_t`, with no `time_t`, so it is right past 2038 on 32-bit ARM
/// and for instants before 1970.
public enum TimeFormat {
    /// `2026-11-26T16:02:40.123Z`. Years outside 0...9999 print with as many digits as
    /// they need (and a leading `-` before year 0); no such instant comes from a clock.
    public static func iso8601(ms: Int64) -> String {
        var y: Int32 = 0, mo: Int32 = 0, d: Int32 = 0, h: Int32 = 0, mi: Int32 = 0, s: Int32 = 0
        _ = csys_utc_fields(ms, &y, &mo, &d, &h, &mi, &s)
        var milli = ms % 1000
        if milli < 0 { milli += 1000 }
        var out = ""
        out.reserveCapacity(24)
        if y < 0 {
            out += "-" + pad(Int64(-y), 4)
        } else {
            out += pad(Int64(y), 4)
        }
        out += "-" + pad(Int64(mo), 2) + "-" + pad(Int64(d), 2)
        out += "T" + pad(Int64(h), 2) + ":" + pad(Int64(mi), 2) + ":" + pad(Int64(s), 2)
        out += "." + pad(milli, 3) + "Z"
        return out
    }

    /// Parses RFC 3339 date-times: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `T` or `t` or
    /// a space between date and time. Fractions beyond milliseconds are truncated. Returns
    /// milliseconds since 1970 UTC, or nil for anything else (including day 31 of a 30-day
    /// month, hour 24 and leap second 60).
    public static func parseISO8601(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else { return nil }
        guard i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
        i += 1
        guard let hour = digits(2), expect(58), let minute = digits(2), expect(58), let second = digits(2) else { return nil }
        var milli: Int64 = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var count = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if count < 3 { milli = milli * 10 + Int64(b[i] - 48) }
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
            var c = count
            while c < 3 { milli *= 10; c += 1 }
        }
        var offsetMinutes: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            let sign: Int64 = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = digits(2), expect(58), let om = digits(2), oh < 24, om < 60 else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month),
              hour < 24, minute < 60, second < 60 else { return nil }
        let base = csys_utc_from_fields(Int32(year), Int32(month), Int32(day), Int32(hour), Int32(minute), Int32(second))
        return base + milli - offsetMinutes * 60_000
    }

    static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.utf8.count >= width ? s : String(repeating: "0", count: width - s.utf8.count) + s
    }
}
