// small_fn.h — SmallFn, the scheduler's move-only `void()` callable with inline storage.
//
// The scheduler stores one callable per pending event. std::function needs a copyable
// target (Asio handlers and coroutine continuations are move-only) and may allocate;
// std::move_only_function is C++23. SmallFn keeps any nothrow-movable callable of up to
// kInlineBytes (48) bytes inline and boxes larger ones on the heap.
//
//   sim::SmallFn fn = [node, epoch] { node->OnTimer(epoch); };   // no allocation
//   fn();
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace leasesim::sim {

// SmallFn is a move-only, type-erased `void()` callable with 48 bytes of inline storage.
// Invariant: ops_ == nullptr <=> empty. Calling an empty SmallFn is a programming error.
class SmallFn {
 public:
  static constexpr std::size_t kInlineBytes = 48;

  SmallFn() noexcept = default;
  template <typename F>
    requires(!std::is_same_v<std::decay_t<F>, SmallFn> && std::is_invocable_v<std::decay_t<F>&>)
  SmallFn(F&& f) {  // NOLINT(google-explicit-constructor): lambdas convert implicitly.
    Construct(std::forward<F>(f));
  }
  SmallFn(SmallFn&& other) noexcept { TakeFrom(other); }
  SmallFn& operator=(SmallFn&& other) noexcept {
    if (this != &other) {
      reset();
      TakeFrom(other);
    }
    return *this;
  }
  SmallFn(const SmallFn&) = delete;
  SmallFn& operator=(const SmallFn&) = delete;
  ~SmallFn() { reset(); }

  // emplace replaces the target with `f`, constructed in place.
  template <typename F>
  void emplace(F&& f) {
    reset();
    Construct(std::forward<F>(f));
  }
  // reset destroys the target. The object is marked empty before the target's destructor
  // runs, so a destructor that re-enters the owner sees a consistent state.
  void reset() noexcept {
    if (ops_ != nullptr) {
      const Ops* ops = std::exchange(ops_, nullptr);
      if (!ops->trivial) ops->destroy(buf_);
    }
  }
  explicit operator bool() const noexcept { return ops_ != nullptr; }
  // target_type is the stored callable's type (typeid(void) when empty), as
  // std::function::target_type: it names an event in error messages.
  const std::type_info& target_type() const noexcept { return ops_ != nullptr ? *ops_->type : typeid(void); }
  void operator()() { ops_->invoke(buf_); }

  // IsInline reports whether a callable of type F is stored without a heap allocation.
  template <typename F>
  static constexpr bool IsInline() {
    return sizeof(F) <= kInlineBytes && alignof(F) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<F>;
  }

 private:
  struct Ops {
    void (*invoke)(void* buf);
    void (*relocate)(void* dst, void* src) noexcept;  // move-construct into dst, destroy src
    void (*destroy)(void* buf) noexcept;
    bool trivial;  // relocate is memcpy and destroy is a no-op
    const std::type_info* type;
  };

  template <typename T>
  struct InlineOps {
    static void Invoke(void* buf) { (*std::launder(static_cast<T*>(buf)))(); }
    static void Relocate(void* dst, void* src) noexcept {
      T* s = std::launder(static_cast<T*>(src));
      ::new (dst) T(std::move(*s));
      s->~T();
    }
    static void Destroy(void* buf) noexcept { std::launder(static_cast<T*>(buf))->~T(); }
    static constexpr Ops kOps{&Invoke, &Relocate, &Destroy,
                              std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>, &typeid(T)};
  };

  template <typename T>
  struct HeapOps {
    static T*& Ptr(void* buf) { return *std::launder(static_cast<T**>(buf)); }
    static void Invoke(void* buf) { (*Ptr(buf))(); }
    static void Relocate(void* dst, void* src) noexcept { ::new (dst) T*(Ptr(src)); }
    static void Destroy(void* buf) noexcept { delete Ptr(buf); }
    static constexpr Ops kOps{&Invoke, &Relocate, &Destroy, false, &typeid(T)};
  };

  template <typename F>
  void Construct(F&& f) {
    using T = std::decay_t<F>;
    if constexpr (IsInline<T>()) {
      ::new (static_cast<void*>(buf_)) T(std::forward<F>(f));
      ops_ = &InlineOps<T>::kOps;
    } else {
      ::new (static_cast<void*>(buf_)) T*(new T(std::forward<F>(f)));
      ops_ = &HeapOps<T>::kOps;
    }
  }
  void TakeFrom(SmallFn& other) noexcept {
    ops_ = std::exchange(other.ops_, nullptr);
    if (ops_ == nullptr) return;
    if (ops_->trivial) {
      std::memcpy(buf_, other.buf_, kInlineBytes);
    } else {
      ops_->relocate(buf_, other.buf_);
    }
  }

  alignas(std::max_align_t) unsigned char buf_[kInlineBytes];
  const Ops* ops_ = nullptr;
};

}  // namespace leasesim::sim
