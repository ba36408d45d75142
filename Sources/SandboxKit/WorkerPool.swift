#if canImport(Glibc)
import Glibc
#endif
import SoporteSystem

/// Threads that run jobs, started on demand: a job that finds no thread waiting starts
/// one, up to `maxThreads`; past that, jobs queue until a thread is free. Workers may
/// block (latency, `delay_ms`, `drip`, a slow reader), which is why this is not a fixed
/// pool of one thread per core.
///
/// `@unchecked Sendable` is sound because `queue`, `waiting` and `threads` are only
/// read or changed between `Pthread.lock` and `Pthread.unlock` of `mutex`
/// (or inside `Pthread.wait`, which holds it again on return); the pthread objects
/// live in heap memory of their own that never moves, and the pool is never freed (the
/// server lives until the process ends). `Gate` in SoporteSystem would wake only the
/// worker that takes the job too, but it runs every waiting condition at every change:
/// with hundreds of idle workers that is hundreds of calls per job, where this signals one.
final class WorkerPool<Job: Sendable>: @unchecked Sendable {
    private let mutex = Pthread.makeMutex()
    private let cond = Pthread.makeCondition()
    private var queue: [Job] = []
    private var head = 0
    /// Threads blocked waiting for a job.
    private var waiting = 0
    private var threads = 0
    let maxThreads: Int
    private let stackSize: Int
    private let work: @Sendable (Job) -> Void

    init(maxThreads: Int, stackSize: Int = 512 << 10, work: @escaping @Sendable (Job) -> Void) {
        self.maxThreads = max(1, maxThreads)
        self.stackSize = stackSize
        self.work = work
    }

    /// Queues `job`; wakes a waiting thread or starts one.
    func submit(_ job: Job) {
        Pthread.lock(mutex)
        queue.append(job)
        // Every queued job beyond the threads already waiting needs a thread of its own.
        let start = queue.count - head > waiting && threads < maxThreads
        if start { threads += 1 }
        Pthread.signal(cond)
        Pthread.unlock(mutex)
        if start, Threads.tryStart(stackSize: stackSize, { [self] in loop() }) != nil {
            // No thread to be had now: the job waits for a running one, or for the next
            // submit to try again.
            Pthread.lock(mutex)
            threads -= 1
            Pthread.unlock(mutex)
        }
    }

    private func loop() {
        while true {
            Pthread.lock(mutex)
            while head == queue.count {
                waiting += 1
                Pthread.wait(cond, mutex)
                waiting -= 1
            }
            let job = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: queue.count < 1024)
                head = 0
            } else if head >= 1024 && head * 2 >= queue.count {
                queue.removeFirst(head)
                head = 0
            }
            Pthread.unlock(mutex)
            work(job)
        }
    }
}
