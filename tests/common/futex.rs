//! Whether a thread is asleep in the futex system call, read from
//! `/proc/PID/task/TID/syscall` (its first field is the number of the system call the
//! thread is blocked in). Shared by the `cli` and `wait` targets.
//!
//! The number is the kernel's, so it belongs to the architecture the kernel runs the
//! process as: the target's own `SYS_futex` natively, but the host's under qemu-user,
//! which makes the host's futex call for the emulated program. That architecture is the
//! ELF machine of the process's real executable (`/proc/PID/exe`: qemu's under emulation,
//! which qemu does not rewrite for another process), so both cases are answered exactly.
#![allow(dead_code)]

/// Whether thread `tid` of process `pid` is inside the futex system call now (for a
/// single-threaded program, `tid == pid`). Ask about one thread, never "any thread":
/// qemu-user adds a thread of its own that always sleeps in a futex.
pub fn thread_in_futex(pid: u32, tid: u32) -> bool {
    let Some(futex) = kernel_futex_number(pid) else {
        return false;
    };
    std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/syscall"))
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .is_some_and(|n| n == futex.to_string())
}

/// The futex system call's number as the kernel reports it for process `pid`: that of
/// the ELF machine of its real executable. `None` if the process is gone.
fn kernel_futex_number(pid: u32) -> Option<i64> {
    let mut header = [0u8; 20];
    let mut exe = std::fs::File::open(format!("/proc/{pid}/exe")).ok()?;
    std::io::Read::read_exact(&mut exe, &mut header).ok()?;
    // e_machine at offset 18, in the file's byte order (EI_DATA at 5: 1 little, 2 big).
    let pair = [header[18], header[19]];
    let machine = if header[5] == 2 {
        u16::from_be_bytes(pair)
    } else {
        u16::from_le_bytes(pair)
    };
    // A machine missing here means the target's own number (it runs natively).
    Some(match machine {
        62 => 202, // EM_X86_64
        183 => 98, // EM_AARCH64
        40 => 240, // EM_ARM
        22 => 238, // EM_S390
        21 => 221, // EM_PPC64
        3 => 240,  // EM_386
        // `c_long`: i64 here, i32 on 32-bit targets.
        #[allow(clippy::unnecessary_cast)]
        _ => libc::SYS_futex as i64,
    })
}
