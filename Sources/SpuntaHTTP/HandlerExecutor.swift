import Dispatch

/// The threads request handlers run on: a task executor of the server's own, so that handlers never compete
/// for — or wait behind blocked threads of — Swift's shared cooperative pool (a program that embeds the
/// server may block those threads; the server must still answer).
final class HandlerExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, attributes: .concurrent)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async {
            job.runSynchronously(on: executor)
        }
    }
}
