//! A layout in a `static`, shared by the main loop and the SysTick interrupt handler of
//! a Cortex-M4 (thumbv7em-none-eabihf), run in qemu-system-arm. Both sides update the
//! same fields with read-modify-writes (LDREX/STREX: lock-free, so safe from an interrupt
//! handler); the main loop runs until the handler has fired `TICKS` times, then checks
//! the exact totals and reports through the semihosting exit code (0 when they hold).
#![no_std]
#![no_main]

use core::panic::PanicInfo;

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m_rt::{entry, exception};
use cortex_m_semihosting::{debug, hprintln};
use shm_atomics::{Atomic, atomic_layout};

/// The state both contexts update.
#[atomic_layout]
pub struct Shared {
    /// Every update, by either side.
    pub total: u32,
    /// The main loop's updates.
    pub by_main: u32,
    /// The handler's updates (one per tick).
    pub by_irq: u16,
    /// Bit 0: the main loop ran; bit 1: the handler ran.
    pub seen: u8,
    /// Both sides add 3 with a compare-and-swap loop.
    pub cas: i32,
}

/// The layout in a `static`: no allocation, no lock.
static SHARED: Shared = Shared::new();
/// How many ticks the handler counts before the main loop stops.
const TICKS: u16 = 200;
/// Set by the main loop once SysTick is stopped (the handler then changes nothing).
static STOPPED: Atomic<bool> = Atomic::new(false);

#[entry]
fn main() -> ! {
    let mut cp = cortex_m::Peripherals::take().expect("core peripherals, taken once");
    cp.SYST.set_clock_source(SystClkSource::Core);
    cp.SYST.set_reload(2_000);
    cp.SYST.clear_current();
    cp.SYST.enable_interrupt();
    cp.SYST.enable_counter();

    let mut mine: u32 = 0;
    while SHARED.by_irq().load() < TICKS {
        update(&SHARED, 1);
        SHARED.by_main().inc();
        mine += 1;
    }
    cp.SYST.disable_interrupt();
    cp.SYST.disable_counter();
    STOPPED.store(true);

    let s = SHARED.snapshot();
    let irq = u32::from(s.by_irq);
    let ok = s.by_main == mine
        && s.total == mine + irq
        && i64::from(s.cas) == 3 * i64::from(s.total)
        && s.seen == 0b11
        && irq >= u32::from(TICKS);
    hprintln!(
        "main {} + irq {} = total {} (cas {}, seen {:#b}): {}",
        s.by_main,
        irq,
        s.total,
        s.cas,
        s.seen,
        if ok { "exact" } else { "WRONG" }
    );
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::wfi();
    }
}

/// One update of the fields both sides share; `side` is 1 (main) or 2 (handler).
fn update(s: &Shared, side: u8) {
    s.total().inc();
    s.seen().bin_or(side);
    s.cas().update_fetch(|v| v + 3);
}

#[exception]
fn SysTick() {
    if STOPPED.load() {
        return;
    }
    update(&SHARED, 2);
    SHARED.by_irq().inc();
}

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
