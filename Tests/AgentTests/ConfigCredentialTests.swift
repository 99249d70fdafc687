import XCTest
import Crypto
@testable import Agent

final class ConfigCredentialTests: XCTestCase {
    func testPasswordIsHashedForTheLogin() throws {
        let config = try XCTUnwrap(parsed(minimalConfig))
        XCTAssertEqual(config.pbx.credential.form, .password)
        XCTAssertEqual(config.pbx.passwordMD5.reveal(), "e10adc3949ba59abbe56e057f20f883e")
    }

    func testPasswordMD5IsUsedAsGivenInLowerCase() throws {
        let config = try XCTUnwrap(parsed(withKey("pbx", "password_md5", "E10ADC3949BA59ABBE56E057F20F883E")))
        XCTAssertEqual(config.pbx.credential.form, .md5Hex)
        XCTAssertEqual(config.pbx.credential.key, "password_md5")
        XCTAssertEqual(config.pbx.passwordMD5.reveal(), "e10adc3949ba59abbe56e057f20f883e")
        XCTAssertEqual(config.pbx.passwordMD5, Secret("e10adc3949ba59abbe56e057f20f883e"))
    }

    func testBothFormsAreAnErrorOnTheLaterLine() throws {
        let text = minimalConfig + "password_md5 = e10adc3949ba59abbe56e057f20f883e\n"
        let error = try XCTUnwrap(rejected(text))
        XCTAssertEqual(error.description, "ucagent.conf:5: [pbx] password_md5: set either password or password_md5, not both"
            + " (password is set on line 4)")
        let reversed = "[pbx]\nurl = http://192.168.1.10:9011\nusername = api\npassword_md5 = e10adc3949ba59abbe56e057f20f883e\npassword = x\n"
        XCTAssertEqual(rejected(reversed)?.description, "ucagent.conf:5: [pbx] password: set either password or password_md5,"
            + " not both (password_md5 is set on line 4)")
    }

    func testNeitherFormIsMissing() throws {
        let error = try XCTUnwrap(rejected("[pbx]\nurl = http://192.168.1.10:9011\nusername = api\n"))
        XCTAssertEqual(error.description, "ucagent.conf:1: [pbx] password: required key is missing: set password"
            + " (the API password) or password_md5 (its MD5 in hex)")
    }

    func testMissingRequiredKeysNameSectionAndKey() throws {
        XCTAssertEqual(AgentConfig.allErrors(bytes: [], file: "ucagent.conf").map(\.description), [
            "ucagent.conf: [pbx] url: required key is missing: the PBX's address, e.g. url = http://192.168.1.10:9011",
            "ucagent.conf: [pbx] username: required key is missing: the API user set on the PBX's API page",
            "ucagent.conf: [pbx] password: required key is missing: set password (the API password) or password_md5 (its MD5 in hex)",
        ])
        let noURL = AgentConfig.allErrors(bytes: Array("; header\n[pbx]\nusername = a\npassword = b\n".utf8), file: "ucagent.conf")
        XCTAssertEqual(noURL.map(\.description),
                       ["ucagent.conf:2: [pbx] url: required key is missing: the PBX's address, e.g. url = http://192.168.1.10:9011"])
        XCTAssertEqual(noURL.first?.line, 2)
        XCTAssertEqual(noURL.first?.key, "[pbx] url")
    }

    func testPasswordMD5Format() throws {
        let short = try XCTUnwrap(rejected(withKey("pbx", "password_md5", "e10adc3949ba59abbe56e057f20f883")))
        XCTAssertEqual(short.description, "ucagent.conf:4: [pbx] password_md5: expected 32 hex digits (the MD5 of the API password), got 31")
        let notHex = try XCTUnwrap(rejected(withKey("pbx", "password_md5", "e10adc3949ba59abbe56e057f20f883g")))
        XCTAssertEqual(notHex.description, "ucagent.conf:4: [pbx] password_md5: expected 32 hex digits (the MD5 of the API password),"
            + " found a character that is not a hex digit at position 32")
    }

    func testPasswordLength() throws {
        XCTAssertNotNil(parsed(withKey("pbx", "password", String(repeating: "p", count: 128))))
        let error = try XCTUnwrap(rejected(withKey("pbx", "password", String(repeating: "p", count: 129))))
        XCTAssertEqual(error.description, "ucagent.conf:4: [pbx] password: the password is 129 bytes; the limit is 128")
    }

    func testSecretsNeverAppearInMessages() throws {
        let secret = "Zz9-secret-" + String(repeating: "q", count: 130)
        for text in [withKey("pbx", "password", secret), withKey("pbx", "password_md5", secret),
                     withKey("pbx", "password", "\"" + secret) , withKey("pbx", "password_md5", "nothex" + secret),
                     withKey("pbx", "url", "http://api:" + secret + "@192.168.1.10")] {
            for error in AgentConfig.allErrors(bytes: Array(text.utf8), file: "ucagent.conf") {
                XCTAssertFalse(error.description.contains("Zz9"), error.description)
            }
        }
        let config = try XCTUnwrap(parsed(withKey("pbx", "password", "Zz9-secret")))
        XCTAssertEqual("\(config.pbx.credential)", "***")
        XCTAssertEqual(String(reflecting: config.pbx.credential), "***")
        XCTAssertFalse(String(describing: config).contains("Zz9"))
        XCTAssertFalse(config.effectiveText().contains("Zz9"))
        XCTAssertEqual("\(config.pbx.passwordMD5)", "***")
    }

    func testTheMaskIsRefusedButAQuotedStarsPasswordIsNot() throws {
        let masked = try XCTUnwrap(rejected(withKey("pbx", "password", "***")))
        XCTAssertEqual(masked.description, "ucagent.conf:4: [pbx] password: the value is the mask *** printed by check-config,"
            + " not a secret; write the real value (in quotes, \"***\", if that really is it)")
        XCTAssertEqual(rejected(withKey("pbx", "password_md5", "***"))?.key, "[pbx] password_md5")
        XCTAssertEqual(parsed(withKey("pbx", "password", "\"***\""))?.pbx.credential.reveal(), "***")
        XCTAssertEqual(parsed(withKey("pbx", "password", "****"))?.pbx.credential.reveal(), "****")
    }
}
