//! heap.rs: the heap accounting of `memory/rustls` (bench/README.md, "Memory").
//!
//! `Counting` is the program's global allocator: it wraps `std::alloc::System` (glibc's malloc,
//! or posix_memalign for alignments above 16) and, while `start()` is in force, counts the
//! `malloc_usable_size` of every block, as bench/main.cc does for glasstls_bench. rustls and
//! webpki allocate only through Rust's global allocator, and ring's C and assembly code does not
//! allocate at all, so this sees the whole heap of a rustls connection.
//!
//! Every block allocated while counting is on is entered in an owner table: its size and the side
//! (client, server or none) that was current when it was allocated (`set_side`, which the peer's
//! SideTimer calls around each side's calls). Its free is charged back to that side, whoever
//! frees it and whenever, as long as the per-side accounting that charged it is still in force
//! (`sides_begin`, `sides_end`; each `sides_begin` starts a new epoch). A block allocated before
//! `start()` is not in the table and its free is not counted: `current()` is the heap allocated
//! since `start()` and still live.
//!
//! The table is an open-addressing hash table with linear probing and backward-shift deletion,
//! of a fixed size, mapped with mmap directly: it is not heap, and the allocator never calls
//! itself. The peer runs on one thread, so the state is plain data, without atomics or locks;
//! when counting is off, an allocation costs one extra load and branch.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;

/// Side is who a block is charged to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    None = 0,
    Client = 1,
    Server = 2,
}

#[derive(Clone, Copy)]
struct Slot {
    key: usize, // the block's address; 0 marks an empty slot
    size: usize,
    tag: u32, // epoch << 2 | side
}

const BITS: u32 = 20;
const CAPACITY: usize = 1 << BITS; // slots: 24 MiB of address space, touched as used
const MAX_LEN: usize = CAPACITY / 2;

struct State {
    on: bool,
    sides_on: bool,
    epoch: u32,
    side: Side,
    current: i64,
    peak: i64,
    side_current: [i64; 3],
    side_peak: [i64; 3],
    /// Blocks allocated (or resized) per side.
    side_allocs: [i64; 3],
    slots: *mut Slot,
    len: usize,
}

struct Global(UnsafeCell<State>);

// SAFETY: the peer runs on one thread (see the module's comment).
unsafe impl Sync for Global {}

static STATE: Global = Global(UnsafeCell::new(State {
    on: false,
    sides_on: false,
    epoch: 0,
    side: Side::None,
    current: 0,
    peak: 0,
    side_current: [0; 3],
    side_peak: [0; 3],
    side_allocs: [0; 3],
    slots: std::ptr::null_mut(),
    len: 0,
}));

fn state() -> &'static mut State {
    // SAFETY: one thread, and no caller keeps the reference across another call of this module.
    unsafe { &mut *STATE.0.get() }
}

/// fail writes `msg` to stderr and aborts, without allocating.
fn fail(msg: &str) -> ! {
    // SAFETY: writes a valid buffer to fd 2, then aborts.
    unsafe {
        libc::write(2, msg.as_ptr() as *const libc::c_void, msg.len());
        libc::abort()
    }
}

fn index(key: usize) -> usize {
    // Fibonacci hashing of the address; heap blocks are 16-byte aligned.
    (((key as u64) >> 4).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS)) as usize
}

impl State {
    fn slot(&self, i: usize) -> &mut Slot {
        // SAFETY: `slots` maps CAPACITY slots while counting is on, and i < CAPACITY.
        unsafe { &mut *self.slots.add(i) }
    }

    fn insert(&mut self, key: usize, size: usize, tag: u32) {
        if self.len >= MAX_LEN {
            fail("rustls peer: heap owner table full\n");
        }
        let mut i = index(key);
        while self.slot(i).key != 0 {
            i = (i + 1) & (CAPACITY - 1);
        }
        *self.slot(i) = Slot { key, size, tag };
        self.len += 1;
    }

    /// take removes `key` and returns its slot, if it is there.
    fn take(&mut self, key: usize) -> Option<Slot> {
        let mut i = index(key);
        loop {
            let s = *self.slot(i);
            if s.key == 0 {
                return None;
            }
            if s.key == key {
                self.erase_at(i);
                self.len -= 1;
                return Some(s);
            }
            i = (i + 1) & (CAPACITY - 1);
        }
    }

    /// erase_at empties slot `i`, moving back the entries of its probe run that would otherwise
    /// no longer be found.
    fn erase_at(&mut self, mut i: usize) {
        let mut j = i;
        loop {
            j = (j + 1) & (CAPACITY - 1);
            let s = *self.slot(j);
            if s.key == 0 {
                break;
            }
            let h = index(s.key);
            // The entry at j may stay if its home h lies cyclically in (i, j].
            let stays = if i <= j {
                i < h && h <= j
            } else {
                i < h || h <= j
            };
            if !stays {
                *self.slot(i) = s;
                i = j;
            }
        }
        self.slot(i).key = 0;
    }

    fn side_add(&mut self, side: Side, n: i64) {
        let i = side as usize;
        self.side_current[i] += n;
        if self.side_current[i] > self.side_peak[i] {
            self.side_peak[i] = self.side_current[i];
        }
    }

    /// counted enters a block just allocated, charged to `side` if per-side accounting is on.
    fn counted(&mut self, p: *mut u8, side: Side) {
        // SAFETY: `p` is a live block of System, which allocates with glibc's malloc family.
        let size = unsafe { libc::malloc_usable_size(p as *mut libc::c_void) };
        self.current += size as i64;
        if self.current > self.peak {
            self.peak = self.current;
        }
        let side = if self.sides_on { side } else { Side::None };
        if side != Side::None {
            self.side_add(side, size as i64);
            self.side_allocs[side as usize] += 1;
        }
        self.insert(p as usize, size, self.epoch << 2 | side as u32);
    }

    /// uncounted removes a block about to be freed or resized and returns the side it was
    /// charged to in the current epoch (Side::None otherwise), or None if it is not counted.
    fn uncounted(&mut self, p: *mut u8) -> Option<Side> {
        let s = self.take(p as usize)?;
        self.current -= s.size as i64;
        let side = match s.tag & 3 {
            1 => Side::Client,
            2 => Side::Server,
            _ => Side::None,
        };
        if side != Side::None && self.sides_on && s.tag >> 2 == self.epoch {
            self.side_current[side as usize] -= s.size as i64;
            return Some(side);
        }
        Some(Side::None)
    }
}

/// Counting is the global allocator of the peer (see the module's comment).
pub struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        let s = state();
        if s.on && !p.is_null() {
            s.counted(p, s.side);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        let s = state();
        if s.on && !p.is_null() {
            s.counted(p, s.side);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        let s = state();
        if s.on {
            s.uncounted(p);
        }
        System.dealloc(p, layout)
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = System.realloc(p, layout, new_size);
        let s = state();
        if s.on && !q.is_null() {
            // `p` is still in the table: nothing allocated since. The resized block stays with
            // the side that owned it (or, if none, goes to the current one), as in main.cc.
            let side = match s.uncounted(p) {
                Some(owner @ (Side::Client | Side::Server)) => owner,
                _ => s.side,
            };
            s.counted(q, side);
        }
        q
    }
}

/// start turns counting on, with an empty table and the counters at 0.
pub fn start() {
    let s = state();
    if s.slots.is_null() {
        // SAFETY: an anonymous private mapping, zero-filled (every slot empty).
        let m = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                CAPACITY * std::mem::size_of::<Slot>(),
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if m == libc::MAP_FAILED {
            fail("rustls peer: cannot map the heap owner table\n");
        }
        s.slots = m as *mut Slot;
    }
    s.len = 0;
    s.current = 0;
    s.peak = 0;
    s.sides_on = false;
    s.on = true;
}

/// stop turns counting off and gives the table back; blocks still live are forgotten.
pub fn stop() {
    let s = state();
    s.on = false;
    s.sides_on = false;
    if !s.slots.is_null() {
        // SAFETY: the mapping made by start(), no longer used.
        unsafe {
            libc::munmap(
                s.slots as *mut libc::c_void,
                CAPACITY * std::mem::size_of::<Slot>(),
            )
        };
        s.slots = std::ptr::null_mut();
    }
    s.len = 0;
}

/// set_side makes `side` current and returns the side that was.
#[inline]
pub fn set_side(side: Side) -> Side {
    let s = state();
    std::mem::replace(&mut s.side, side)
}

/// current is the heap allocated since start() and still live, in bytes.
pub fn current() -> i64 {
    state().current
}

/// reset_peak makes the high-water mark the current figure.
pub fn reset_peak() {
    let s = state();
    s.peak = s.current;
}

pub fn peak() -> i64 {
    state().peak
}

/// sides_begin starts per-side accounting in a new epoch, each side's total and peak at 0.
pub fn sides_begin() {
    let s = state();
    s.epoch = (s.epoch + 1) & ((1 << 30) - 1);
    s.side_current = [0; 3];
    s.side_peak = [0; 3];
    s.side_allocs = [0; 3];
    s.sides_on = true;
}

pub fn sides_end() {
    state().sides_on = false;
}

/// side_peak is the high-water mark of the heap charged to `side` during the last
/// sides_begin()..sides_end().
pub fn side_peak(side: Side) -> i64 {
    state().side_peak[side as usize]
}

/// side_allocs is the number of blocks charged to `side` that were allocated (or resized)
/// during the last sides_begin()..sides_end().
pub fn side_allocs(side: Side) -> i64 {
    state().side_allocs[side as usize]
}
