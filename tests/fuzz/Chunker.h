#pragma once
// Shared by the fuzz targets that feed a stream in pieces: chunk sizes derived
// from the input, so a run is reproducible from the input alone.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace sb::fuzz {

// Deterministic chunk sizes derived from the input (FNV-1a, then xorshift).
class Chunker {
 public:
  explicit Chunker(std::string_view data) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : data) h = (h ^ c) * 0x100000001b3ULL;
    state_ = h | 1;
    constexpr size_t kMaxChunk[] = {1, 2, 5, 17, 64, 300, 4096};
    maxChunk_ = kMaxChunk[next() % std::size(kMaxChunk)];
  }
  size_t nextSize() { return 1 + next() % maxChunk_; }

 private:
  uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  uint64_t state_;
  size_t maxChunk_;
};

}  // namespace sb::fuzz
