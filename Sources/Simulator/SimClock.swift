/// Maps the real monotonic clock (what the shell passes in as `now`) to the simulated PBX clock,
/// which runs `scale` times faster, and to wall-clock time for ids and dates.
///
/// Every deadline inside the simulator is kept in simulated milliseconds, so time constants keep
/// their documented values (30 minutes is 1 800 000) and only this type knows about the scale.
struct SimClock: Equatable {
    private(set) var scale: Double
    private var realAnchor: Int64
    private var simAnchor: Int64
    /// Wall-clock ms at real time `wallReal`.
    private let wallAtAnchor: Int64
    private let wallReal: Int64

    init(now: Int64, wallClockMs: Int64, scale: Double) {
        self.scale = scale > 0 ? scale : 1
        realAnchor = now
        simAnchor = 0
        wallAtAnchor = wallClockMs
        wallReal = now
    }

    /// Simulated ms at real time `now`.
    func sim(_ now: Int64) -> Int64 {
        simAnchor + SimClock.floorInt(Double(now - realAnchor) * scale)
    }

    /// The real time at which simulated time `t` is reached (never before it).
    func real(_ t: Int64) -> Int64 {
        realAnchor + SimClock.ceilInt(Double(t - simAnchor) / scale)
    }

    /// A simulated duration in real ms, at least 1 for a positive duration.
    func realDuration(_ simMs: Int64) -> Int64 {
        guard simMs > 0 else { return 0 }
        let r = SimClock.ceilInt(Double(simMs) / scale)
        return r > 0 ? r : 1
    }

    /// Wall-clock ms (Unix epoch) at real time `now`. Wall time is not scaled: callid epochs and
    /// CDR start times stay comparable with the logs of the machine running the test.
    func wall(_ now: Int64) -> Int64 { wallAtAnchor + (now - wallReal) }

    // `rounded(.down)` needs libm's floor, which the Embedded link does not always provide.
    static func floorInt(_ x: Double) -> Int64 {
        let i = Int64(x)
        return Double(i) > x ? i - 1 : i
    }

    static func ceilInt(_ x: Double) -> Int64 {
        let i = Int64(x)
        return Double(i) < x ? i + 1 : i
    }

    /// Jumps simulated time forward (test hook "clock control").
    mutating func jump(byMs ms: Int64) {
        if ms > 0 { simAnchor += ms }
    }

    /// Changes the scale from `now` on without a jump in simulated time.
    mutating func setScale(_ s: Double, now: Int64) {
        simAnchor = sim(now)
        realAnchor = now
        scale = s > 0 ? s : 1
    }
}

/// Civil dates from Unix time, without Foundation (Howard Hinnant's `civil_from_days`).
enum SimCalendar {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    struct Civil: Equatable {
        var year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64
    }

    static func civil(unixMs: Int64, utcOffsetMinutes: Int) -> Civil {
        let secs = floorDiv(unixMs, 1000) + Int64(utcOffsetMinutes) * 60
        let days = floorDiv(secs, 86_400)
        let rem = secs - days * 86_400
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return Civil(year: y, month: m, day: d, hour: rem / 3600, minute: (rem % 3600) / 60, second: rem % 60)
    }

    /// "2020-05-20 10:18:59" (CDR `timestart`, deviceinfo `systemtime`).
    static func dateTime(unixMs: Int64, utcOffsetMinutes: Int) -> String {
        let c = civil(unixMs: unixMs, utcOffsetMinutes: utcOffsetMinutes)
        return String(c.year) + "-" + two(c.month) + "-" + two(c.day) + " "
            + two(c.hour) + ":" + two(c.minute) + ":" + two(c.second)
    }

    /// "2020-Mar-23-08:33:22": OpenVox `deviceinfo.uptime` is the boot date, not a duration.
    static func bootDate(unixMs: Int64, utcOffsetMinutes: Int) -> String {
        let c = civil(unixMs: unixMs, utcOffsetMinutes: utcOffsetMinutes)
        return String(c.year) + "-" + monthNames[Int(c.month - 1)] + "-" + two(c.day) + "-"
            + two(c.hour) + ":" + two(c.minute) + ":" + two(c.second)
    }

    static func two(_ v: Int64) -> String { v < 10 ? "0" + String(v) : String(v) }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
