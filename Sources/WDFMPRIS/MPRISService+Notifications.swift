/// Desktop notifications (org.freedesktop.Notifications) over the service's own connection:
/// each replaces the one before, so that a chapter change does not pile up another.
extension MPRISService {
    static let notificationsName = "org.freedesktop.Notifications"
    static let notificationsPath = "/org/freedesktop/Notifications"
    /// The longest summary and body sent (servers cut them further).
    static let maximumSummaryBytes = 256
    static let maximumBodyBytes = 512

    /// Shows `summary` (plain text) and `body` (escaped: servers may read it as markup). Nothing
    /// without a bus; a missing notification server is a line in the debug log.
    public func notify(summary: String, body: String) {
        guard let connection else {
            reconnectIfDue()
            return
        }
        let arguments: [BusValue] = [
            .string(options.identity), .uint32(lastNotification), .string("audio-x-generic"),
            .string(MPRISText.bounded(summary, limit: MPRISService.maximumSummaryBytes)),
            .string(MPRISService.markupEscaped(MPRISText.bounded(body, limit: MPRISService.maximumBodyBytes))),
            .strings([]), .dictionary([]), .int32(-1),
        ]
        do throws(MPRISError) {
            try connection.call(destination: MPRISService.notificationsName, path: MPRISService.notificationsPath,
                                interface: MPRISService.notificationsName, member: "Notify", arguments) { [weak self] answer in
                switch answer {
                case let .success(id): self?.lastNotification = id
                case let .failure(error): self?.log(.debug, "No desktop notification: \(error.description)")
                }
            }
        } catch {
            lose(error)
        }
    }

    /// `text` with `&`, `<` and `>` as entities (the body markup of the notification spec).
    static func markupEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
