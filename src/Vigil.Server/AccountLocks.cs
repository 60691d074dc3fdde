namespace Vigil.Server;

/// <summary>
/// One async lock per name, made on first use and dropped when nobody holds or waits for it: work
/// for one account runs one at a time while different accounts run in parallel.
/// </summary>
internal sealed class AccountLocks
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Waits for the account's lock; dispose the result to release it.</summary>
    public async Task<IDisposable> AcquireAsync(string account, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(account, out entry!))
                _entries[account] = entry = new Entry();
            entry.Users++;
        }
        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(account, entry);
            throw;
        }
        return new Releaser(this, account, entry);
    }

    private void Leave(string account, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Users == 0)
                _entries.Remove(account);
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Releaser(AccountLocks owner, string account, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
                return;
            entry.Semaphore.Release();
            owner.Leave(account, entry);
        }
    }
}
