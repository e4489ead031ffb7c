// The checks the security model rests on, one by one: confinedPath (every MCP
// file path) and the DNS-rebinding checks of MCP over HTTP (Host and Origin).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "server/McpCodeTools.h"
#include "server/McpHttpTransport.h"

namespace sb {
namespace {

namespace fs = std::filesystem;

class ConfinedPath : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::path(SB_TEST_TMP_DIR) / ("confined-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "ws" / "sub");
    fs::create_directories(base_ / "ws-evil");
    fs::create_directories(base_ / "outside");
    std::ofstream(base_ / "ws" / "sub" / "a.py") << "a\n";
    std::ofstream(base_ / "ws-evil" / "b.py") << "b\n";
    std::ofstream(base_ / "outside" / "c.py") << "c\n";
    base_ = fs::canonical(base_);
    root_ = (base_ / "ws").string();
  }
  void TearDown() override { fs::remove_all(base_); }

  // The reason confinedPath gives for refusing `path`, or "" when it accepts it.
  std::string refusal(const std::string& path) {
    try {
      confinedPath(root_, path);
      return "";
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
  }

  fs::path base_;
  std::string root_;
};

TEST_F(ConfinedPath, AcceptsRelativeAndAbsolutePathsInside) {
  EXPECT_EQ(confinedPath(root_, "sub/a.py"), root_ + "/sub/a.py");
  EXPECT_EQ(confinedPath(root_, root_ + "/sub/a.py"), root_ + "/sub/a.py");
  EXPECT_EQ(confinedPath(root_, "./sub/./a.py"), root_ + "/sub/a.py");
  EXPECT_EQ(confinedPath(root_, "sub"), root_ + "/sub");
}

TEST_F(ConfinedPath, RefusesDotDotEvenWhenItWouldStayInside) {
  EXPECT_NE(refusal("../outside/c.py").find("'..'"), std::string::npos);
  EXPECT_NE(refusal("sub/../../outside/c.py").find("'..'"), std::string::npos);
  EXPECT_NE(refusal("sub/../sub/a.py").find("'..'"), std::string::npos);
  EXPECT_NE(refusal(root_ + "/../outside/c.py").find("'..'"), std::string::npos);
}

TEST_F(ConfinedPath, RefusesAbsolutePathsElsewhere) {
  EXPECT_NE(refusal((base_ / "outside" / "c.py").string()).find("outside the workspace"),
            std::string::npos);
  EXPECT_NE(refusal("/etc/passwd").find("outside the workspace"), std::string::npos);
  EXPECT_NE(refusal("/").find("outside the workspace"), std::string::npos);
}

TEST_F(ConfinedPath, RefusesASiblingSharingTheRootAsPrefix) {
  // "/x/ws-evil/b.py" starts with "/x/ws" but is not inside "/x/ws".
  EXPECT_NE(refusal((base_ / "ws-evil" / "b.py").string()).find("outside the workspace"),
            std::string::npos);
  EXPECT_NE(refusal((base_ / "ws-evil").string()).find("outside the workspace"), std::string::npos);
}

TEST_F(ConfinedPath, RefusesSymlinksLeadingOut) {
  fs::create_directory_symlink(base_ / "outside", base_ / "ws" / "linkdir");
  fs::create_symlink(base_ / "outside" / "c.py", base_ / "ws" / "link.py");
  fs::create_directory_symlink(base_ / "ws-evil", base_ / "ws" / "evil");
  EXPECT_NE(refusal("linkdir/c.py").find("outside the workspace"), std::string::npos);
  EXPECT_NE(refusal("linkdir").find("outside the workspace"), std::string::npos);
  EXPECT_NE(refusal("link.py").find("outside the workspace"), std::string::npos);
  EXPECT_NE(refusal("evil/b.py").find("outside the workspace"), std::string::npos);
  EXPECT_NE(refusal(root_ + "/link.py").find("outside the workspace"), std::string::npos);
}

TEST_F(ConfinedPath, FollowsSymlinksThatStayInside) {
  fs::create_symlink(base_ / "ws" / "sub" / "a.py", base_ / "ws" / "alias.py");
  fs::create_directory_symlink(base_ / "ws" / "sub", base_ / "ws" / "subalias");
  EXPECT_EQ(confinedPath(root_, "alias.py"), root_ + "/sub/a.py");
  EXPECT_EQ(confinedPath(root_, "subalias/a.py"), root_ + "/sub/a.py");
}

TEST_F(ConfinedPath, MissingFilesAndEmptyPathsAreRefused) {
  EXPECT_NE(refusal("sub/missing.py").find("no such file"), std::string::npos);
  EXPECT_NE(refusal("").find("empty"), std::string::npos);
  // A missing file behind an escaping link is "outside", exactly like an
  // existing one: the refusal does not tell what exists out there.
  fs::create_directory_symlink(base_ / "outside", base_ / "ws" / "linkdir");
  EXPECT_NE(refusal("linkdir/missing.py").find("outside the workspace"), std::string::npos);
  EXPECT_NE(refusal("linkdir/c.py").find("outside the workspace"), std::string::npos);
  fs::create_symlink(base_ / "outside" / "missing.py", base_ / "ws" / "dangling.py");
  EXPECT_NE(refusal("dangling.py").find("outside the workspace"), std::string::npos);
  // A dangling link that points inside is just a missing file; a loop is refused.
  fs::create_symlink(base_ / "ws" / "sub" / "gone.py", base_ / "ws" / "stale.py");
  EXPECT_NE(refusal("stale.py").find("no such file"), std::string::npos);
  fs::create_symlink("loop2", base_ / "ws" / "loop1");
  fs::create_symlink("loop1", base_ / "ws" / "loop2");
  EXPECT_NE(refusal("loop1").find("outside the workspace"), std::string::npos);
}

TEST(McpHttpHostCheck, AcceptsLoopbackNamesWithOrWithoutPort) {
  for (const char* host : {"127.0.0.1", "127.0.0.1:8080", "localhost", "localhost:3000",
                           "LOCALHOST:3000", "LocalHost", "[::1]", "[::1]:8080", "127.1.2.3:80"})
    EXPECT_TRUE(isLoopbackHostHeader(host)) << host;
}

TEST(McpHttpHostCheck, RefusesEverythingElse) {
  for (const char* host : {"",
                           "evil.example",
                           "evil.example:8080",
                           "localhost.evil",
                           "localhost.evil:80",
                           "evil.localhost",
                           "127.0.0.1.evil.example",
                           "127.0.0.1@evil",
                           "evil@127.0.0.1",
                           "10.0.0.1",
                           "0.0.0.0",
                           "[::]",
                           "[::1",
                           "::1",
                           "[fe80::1]:80",
                           "[::ffff:8.8.8.8]",
                           "2130706433",
                           "0x7f000001",
                           "127.0.0.1 evil",
                           "localhost\r\nX: y"})
    EXPECT_FALSE(isLoopbackHostHeader(host)) << host;
}

TEST(McpHttpOriginCheck, AcceptsLoopbackOrigins) {
  for (const char* origin :
       {"http://localhost", "http://localhost:3000", "https://localhost:3000", "HTTP://LOCALHOST",
        "http://127.0.0.1:6274", "http://[::1]:8080", "http://localhost:3000/"})
    EXPECT_TRUE(isLoopbackOrigin(origin)) << origin;
}

TEST(McpHttpOriginCheck, RefusesNullOtherSchemesAndOtherHosts) {
  for (const char* origin :
       {"null", "", "localhost", "file://", "file:///etc", "chrome-extension://abc",
        "ws://localhost", "http://", "http://evil.example", "https://localhost.evil",
        "http://localhost.evil:3000", "http://127.0.0.1@evil.example",
        "http://evil.example@127.0.0.1", "http://127.0.0.1.nip.io", "http://[::ffff:7f00:1]",
        "http://0.0.0.0:3000", "http://10.1.2.3"})
    EXPECT_FALSE(isLoopbackOrigin(origin)) << origin;
}

}  // namespace
}  // namespace sb
