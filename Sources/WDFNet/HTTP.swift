import CCurl
import Glibc
import WDFCore
import WDFPlatform

/// Why a transfer failed, as one sentence naming the URL.
public struct TransferError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// The HTTP status when the server answered with an error.
    public var status: Int?
    /// True when the connection broke off mid-body (worth resuming).
    public var wasCut: Bool
    /// True when a limit ended it: the deadline, or too slow for too long. What came is worth
    /// keeping for a later run, but not worth trying again at once.
    public var timedOut: Bool
    /// True when asking again would be refused the same way: a scheme that is not allowed, a
    /// body over its limit, compressed audio.
    public var isPermanent: Bool
    /// True when a range was asked for and the server sent the whole file instead: only a
    /// transfer from the start can work.
    public var cannotResume = false

    public init(_ message: String, status: Int? = nil, wasCut: Bool = false, timedOut: Bool = false,
                isPermanent: Bool = false) {
        self.message = message
        self.status = status
        self.wasCut = wasCut
        self.timedOut = timedOut
        self.isPermanent = isPermanent
    }

    public var description: String { message }
}

/// What a finished transfer tells about the response.
public struct TransferResult: Sendable {
    /// The HTTP status of the final response (0 for file:// URLs).
    public var status: Int
    /// The URL after redirects.
    public var finalURL: String
    public var contentType: String?
    /// The whole resource's size when the server said it (Content-Length, or the total of a
    /// Content-Range).
    public var totalLength: Int?
    /// Whether the server honoured the range asked for (206).
    public var resumed: Bool
    /// Body bytes received in this transfer.
    public var received: Int
}

/// How far a download is: bytes of the whole file so far, its total if known, and the time taken.
public struct TransferProgress: Sendable {
    public var bytes: Int
    public var total: Int?
    public var startedAt: Int
    public var elapsed: Double
    /// Bytes per second over this transfer (not counting what a resumed download already had).
    public var rate: Double
}

/// HTTP(S) and file:// transfers through libcurl: redirects followed (http and https only),
/// file:// only for a `.local` origin, every transfer under `TransferLimits` (a deadline, a
/// minimum speed, a size). Feeds may come compressed (the decoded bytes count against the limit);
/// audio is not asked for compressed, and compressed audio is refused.
public enum HTTP {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    public static let userAgent = "wdfplay/\(wdfplayVersion) (podcast player; +https://github.com/wdfplay)"

    /// Fetches `url` into memory (a feed, a chapters file). Refuses more than `limit` bytes
    /// (decoded), a scheme `origin` does not allow, and gives up at `limits.feedTimeout`.
    public static func fetch(_ url: String, limit: Int = 64 << 20, origin: TransferOrigin = .local,
                             limits: TransferLimits = TransferLimits()) throws(TransferError) -> ([UInt8], TransferResult) {
        let sink = BodySink(mode: .memory(limit: limit))
        let options = Options(origin: origin, deadline: limits.feedTimeout, limits: limits, compressed: true)
        let result = try perform(url, sink: sink, resumeFrom: 0, options: options, progress: nil)
        guard (200..<300).contains(result.status) || result.status == 0 else {
            throw TransferError("\(url) answered HTTP \(result.status)\(reason(result.status)).", status: result.status)
        }
        return (sink.memory, result)
    }

    /// Downloads `url` into the open file `fd`, appending from `offset` (the bytes already there)
    /// when the server honours a range; otherwise the file is truncated and written from the start.
    /// Stops at `limits.downloadCeiling` of the `declared` length (the feed's) and the one the
    /// server announces, and at `limits.downloadTimeout`.
    public static func download(_ url: String, into fd: Int32, offset: Int, declared: Int? = nil,
                                origin: TransferOrigin = .local, limits: TransferLimits = TransferLimits(),
                                progress: ((TransferProgress) -> Void)?) throws(TransferError) -> TransferResult {
        let sink = BodySink(mode: .file(fd: fd, offset: offset))
        sink.declared = declared
        sink.limits = limits
        let options = Options(origin: origin, deadline: limits.downloadTimeout, limits: limits, compressed: false)
        let result = try perform(url, sink: sink, resumeFrom: offset, options: options, progress: progress)
        guard (200..<300).contains(result.status) || result.status == 0 else {
            throw TransferError("\(url) answered HTTP \(result.status)\(reason(result.status)).", status: result.status)
        }
        return result
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: " (Bad Request)"
        case 401: " (Unauthorized)"
        case 403: " (Forbidden)"
        case 404: " (Not Found)"
        case 410: " (Gone)"
        case 416: " (Range Not Satisfiable)"
        case 429: " (Too Many Requests)"
        case 500: " (Internal Server Error)"
        case 502: " (Bad Gateway)"
        case 503: " (Service Unavailable)"
        case 504: " (Gateway Timeout)"
        default: ""
        }
    }

    /// `$SSL_CERT_FILE`, as OpenSSL's own tools read it: the certificates to trust instead of the
    /// system's (a private CA, a test server). Certificates are always verified.
    static var certificateFile: String? {
        guard let value = getenv("SSL_CERT_FILE") else { return nil }
        let path = String(cString: value)
        return path.isEmpty ? nil : path
    }

    struct Options {
        var origin: TransferOrigin
        var deadline: Int
        var limits: TransferLimits
        /// Ask for a compressed body (feeds): libcurl decodes it, the sink counts decoded bytes.
        var compressed: Bool
    }

    private static func perform(_ url: String, sink: BodySink, resumeFrom offset: Int, options: Options,
                                progress: ((TransferProgress) -> Void)?) throws(TransferError) -> TransferResult {
        if let refusal = options.origin.refusal(url) { throw TransferError(refusal, isPermanent: true) }
        guard initialized, let handle = curl_easy_init() else { throw TransferError("Cannot start libcurl.") }
        defer { curl_easy_cleanup(handle) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        sink.progress = progress
        sink.resumeOffset = offset
        let box = Unmanaged.passUnretained(sink).toOpaque()
        let code: CURLcode = try errorBuffer.withUnsafeMutableBufferPointer { (errors) throws(TransferError) -> CURLcode in
            let curl = CurlOptions(handle: handle)
            try curl.set(CURLOPT_URL, "CURLOPT_URL", url)
            try curl.set(CURLOPT_ERRORBUFFER, "CURLOPT_ERRORBUFFER", pointer: errors.baseAddress)
            try curl.set(CURLOPT_NOSIGNAL, "CURLOPT_NOSIGNAL", 1)
            try curl.set(CURLOPT_FOLLOWLOCATION, "CURLOPT_FOLLOWLOCATION", 1)
            try curl.set(CURLOPT_MAXREDIRS, "CURLOPT_MAXREDIRS", 10)
            try curl.set(CURLOPT_PROTOCOLS_STR, "CURLOPT_PROTOCOLS_STR", options.origin.protocols)
            // A redirect may not lead to a local file.
            try curl.set(CURLOPT_REDIR_PROTOCOLS_STR, "CURLOPT_REDIR_PROTOCOLS_STR", "http,https")
            try curl.set(CURLOPT_USERAGENT, "CURLOPT_USERAGENT", userAgent)
            if options.compressed { try curl.set(CURLOPT_ACCEPT_ENCODING, "CURLOPT_ACCEPT_ENCODING", "") }
            try curl.set(CURLOPT_CONNECTTIMEOUT, "CURLOPT_CONNECTTIMEOUT", min(20, options.deadline))
            try curl.set(CURLOPT_TIMEOUT, "CURLOPT_TIMEOUT", options.deadline)
            try curl.set(CURLOPT_LOW_SPEED_LIMIT, "CURLOPT_LOW_SPEED_LIMIT", options.limits.minimumSpeed)
            try curl.set(CURLOPT_LOW_SPEED_TIME, "CURLOPT_LOW_SPEED_TIME", options.limits.minimumSpeedTime)
            if let certificates = certificateFile { try curl.set(CURLOPT_CAINFO, "CURLOPT_CAINFO", certificates) }
            if offset > 0 { try curl.set(CURLOPT_RESUME_FROM_LARGE, "CURLOPT_RESUME_FROM_LARGE", offset: curl_off_t(offset)) }
            try curl.check(wdf_curl_set_write(handle) { data, size, count, user in
                guard let data, let user else { return 0 }
                return Unmanaged<BodySink>.fromOpaque(user).takeUnretainedValue().body(data, size * count)
            }, "CURLOPT_WRITEFUNCTION")
            try curl.set(CURLOPT_WRITEDATA, "CURLOPT_WRITEDATA", pointer: box)
            try curl.check(wdf_curl_set_header(handle) { data, size, count, user in
                guard let data, let user else { return 0 }
                return Unmanaged<BodySink>.fromOpaque(user).takeUnretainedValue().header(data, size * count)
            }, "CURLOPT_HEADERFUNCTION")
            try curl.set(CURLOPT_HEADERDATA, "CURLOPT_HEADERDATA", pointer: box)
            if progress != nil {
                try curl.set(CURLOPT_NOPROGRESS, "CURLOPT_NOPROGRESS", 0)
                try curl.check(wdf_curl_set_progress(handle) { user, _, _, _, _ in
                    guard let user else { return 0 }
                    Unmanaged<BodySink>.fromOpaque(user).takeUnretainedValue().tick()
                    return 0
                }, "CURLOPT_XFERINFOFUNCTION")
                try curl.set(CURLOPT_XFERINFODATA, "CURLOPT_XFERINFODATA", pointer: box)
            }
            return curl_easy_perform(handle)
        }
        var status = 0
        var longValue = 0
        if wdf_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &longValue) == CURLE_OK { status = longValue }
        var effective: UnsafeMutablePointer<CChar>?
        let finalURL = wdf_curl_get_string(handle, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective != nil
            ? String(cString: effective!) : url
        if let failure = sink.failure { throw failure }
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            let reached = sink.received > 0 ? " after \(Bytes.text(sink.resumeOffset + sink.received))" : ""
            if code == CURLE_OPERATION_TIMEDOUT {
                let elapsed = BodySink.now() - sink.started
                let why = elapsed >= Double(options.deadline) - 1
                    ? "it took longer than the \(TimeFormat.clock(Double(options.deadline))) allowed"
                    : "it was slower than \(Bytes.text(options.limits.minimumSpeed))/s for \(options.limits.minimumSpeedTime) s"
                throw TransferError("Fetching \(url) was given up\(reached): \(why).", status: status == 0 ? nil : status,
                                    timedOut: true)
            }
            let cut = [CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
                       CURLE_SEND_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM].contains(code) && sink.received > 0
            let refused = code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_TOO_MANY_REDIRECTS
            var error = TransferError("Fetching \(url) failed\(reached): \(text.trimmingWhitespace()).", status: status == 0 ? nil : status,
                                      wasCut: cut, isPermanent: refused)
            error.cannotResume = code == CURLE_RANGE_ERROR
            throw error
        }
        let total: Int?
        if status == 206, let range = sink.contentRangeTotal {
            total = range
        } else if let length = sink.contentLength {
            total = status == 206 ? BodySink.sum(offset, length) : length
        } else {
            total = nil
        }
        return TransferResult(status: status, finalURL: finalURL, contentType: sink.contentType, totalLength: total,
                              resumed: status == 206, received: sink.received)
    }
}

/// Where libcurl's callbacks put the body and what they learn from the headers. Used on the
/// thread that runs `curl_easy_perform` only.
final class BodySink {
    enum Mode {
        case memory(limit: Int)
        case file(fd: Int32, offset: Int)
    }

    let mode: Mode
    var memory: [UInt8] = []
    var received = 0
    var failure: TransferError?
    var status = 0
    var contentLength: Int?
    var contentRangeTotal: Int?
    var contentRangeStart: Int?
    var contentType: String?
    var contentEncoding: String?
    var progress: ((TransferProgress) -> Void)?
    var resumeOffset = 0
    /// The length the feed declares for a download (nil: unknown).
    var declared: Int?
    var limits = TransferLimits()
    /// Set at the first body byte of a download: the size at which it is stopped.
    private var ceiling = Int.max
    /// Set at the first body byte: where in the file writing starts.
    private var writeStart: Int?
    let started = BodySink.now()
    private var lastTick = 0.0

    init(mode: Mode) {
        self.mode = mode
    }

    /// `a + b`, or nil when that is past `Int.max`.
    static func sum(_ a: Int, _ b: Int) -> Int? {
        let (total, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : total
    }

    /// A length header's digits as a count (nil unless a whole number from 0 to `Int.max`).
    static func count(_ text: Substring) -> Int? {
        let digits = text.trimmingWhitespace()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    static func now() -> Double { MonotonicClock.now() }

    func header(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
            .trimmingWhitespace()
        if line.hasPrefix("HTTP/") {
            // A new response (after a redirect or a 100 Continue): forget the previous one's headers.
            status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            contentLength = nil
            contentRangeTotal = nil
            contentRangeStart = nil
            contentType = nil
            contentEncoding = nil
            return count
        }
        guard let colon = line.firstIndex(of: ":") else { return count }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        switch name {
        case "content-length": contentLength = BodySink.count(Substring(value))
        case "content-type": contentType = value
        case "content-encoding": contentEncoding = value.lowercased()
        case "content-range":
            // "bytes 100-999/1000"
            let parts = value.split(separator: " ").last?.split(separator: "/") ?? []
            if parts.count == 2 {
                contentRangeTotal = BodySink.count(parts[1])
                contentRangeStart = parts[0].split(separator: "-").first.flatMap { BodySink.count($0) }
            }
        default: break
        }
        return count
    }

    func body(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        switch mode {
        case let .memory(limit):
            guard memory.count + count <= limit else {
                failure = TransferError("The response is larger than \(Bytes.text(limit)); refusing it.")
                return 0
            }
            memory.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count))
        case let .file(fd, offset):
            if status >= 300 {
                // An error page is not the episode: keep a little of it, write none of it.
                if memory.count < 512 { memory.append(contentsOf: UnsafeRawBufferPointer(start: data, count: min(count, 512))) }
                received += count
                return count
            }
            if writeStart == nil {
                // Audio is not asked for compressed: a server that compresses it anyway would
                // have us store (or decode) what it likes.
                if let encoding = contentEncoding, !encoding.isEmpty, encoding != "identity" {
                    failure = TransferError("The server sent the audio compressed (Content-Encoding: \(encoding)), which wdfplay does not ask for; refusing it.",
                                            isPermanent: true)
                    return 0
                }
                // 206 for the range asked: append. Anything else (200: the server ignored the
                // range) starts the file over.
                let start = status == 206 && contentRangeStart == offset ? offset : 0
                let announced = status == 206 ? contentRangeTotal ?? contentLength.flatMap { BodySink.sum(start, $0) } : contentLength
                if let announced, announced > limits.downloadMaximum {
                    failure = TransferError("The server announces \(Bytes.text(announced)), more than the \(Bytes.text(limits.downloadMaximum)) an episode may have ($WDFPLAY_DOWNLOAD_MAX); refusing it.",
                                            isPermanent: true)
                    return 0
                }
                ceiling = limits.downloadCeiling(declared: declared, announced: announced)
                if start == 0, ftruncate(fd, 0) != 0 {
                    failure = TransferError("Cannot truncate the partial download: \(String(cString: strerror(errno))).")
                    return 0
                }
                lseek(fd, off_t(start), SEEK_SET)
                writeStart = start
                resumeOffset = start
            }
            if start(plus: count) > ceiling {
                failure = TransferError("The server sent more than \(Bytes.text(ceiling)) (\(sizes)); stopped there.",
                                        isPermanent: true)
                return 0
            }
            var done = 0
            while done < count {
                do throws(SystemError) {
                    done += try sys("write", "the download") { write(fd, data + done, count - done) }
                } catch {
                    failure = TransferError("Cannot write the download: \(error.reason).")
                    return 0
                }
            }
        }
        received += count
        return count
    }

    /// Where the file would end with `count` more bytes.
    private func start(plus count: Int) -> Int {
        BodySink.sum(writeStart ?? 0, received).flatMap { BodySink.sum($0, count) } ?? Int.max
    }

    /// What the limit was made of, for the message.
    private var sizes: String {
        var parts: [String] = []
        if let declared { parts.append("the feed declares \(Bytes.text(declared))") }
        if let length = status == 206 ? contentRangeTotal : contentLength { parts.append("the server announced \(Bytes.text(length))") }
        if parts.isEmpty { parts.append("no length was declared or announced; at most \(Bytes.text(limits.downloadMaximum)), $WDFPLAY_DOWNLOAD_MAX") }
        return parts.joined(separator: ", ")
    }

    func tick() {
        let now = BodySink.now()
        guard now - lastTick >= 0.2 || lastTick == 0 else { return }
        lastTick = now
        let elapsed = now - started
        let total: Int? = status == 206 ? contentRangeTotal : contentLength.flatMap { BodySink.sum(writeStart ?? 0, $0) }
        progress?(TransferProgress(bytes: BodySink.sum(writeStart ?? resumeOffset, received) ?? Int.max, total: total, startedAt: 0,
                                   elapsed: elapsed, rate: elapsed > 0 ? Double(received) / elapsed : 0))
    }
}
