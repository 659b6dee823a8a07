import Foundation
import TestSupport

extension TestPKI {
    /// A CRL file revoking nothing yet, at a path of its own: a test revokes while the server
    /// runs by replacing it (``replaceFile(_:with:)``) and reloading.
    func liveCRL() throws -> URL {
        let crl = self.directory.appending(path: "live.crl")
        try FileManager.default.copyItem(at: try self.ca.writeCRL(revoking: []), to: crl)
        return crl
    }
}
