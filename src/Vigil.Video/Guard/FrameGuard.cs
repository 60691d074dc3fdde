namespace Vigil.Video.Guard;

/// <summary>
/// The on-device safeguard's core, as a library call: frames in, frames (or stand-ins) out, after a delay line, so that
/// <b>every frame that leaves is covered by a check at or after it that passed</b>; a known scene lasting at least
/// <see cref="GuardOptions.CheckEvery"/> frames therefore never leaves, not one frame (a shorter one can fall between
/// two checks: check more often to cover shorter scenes). One frame in
/// <see cref="GuardOptions.CheckEvery"/> is checked when it arrives; a frame is released only once a later-or-equal
/// checked frame has passed, which the delay line makes possible without waiting for checks that never come. On a hit,
/// every frame not yet released (the hit frame and all before it back to the last passed check) and every frame after
/// it is replaced (<see cref="BlockMode"/>) until <see cref="GuardOptions.ResumeAfterFrames"/> frames in a row have passed.
/// Not thread-safe: one guard per stream.
/// </summary>
/// <remarks>
/// No allocation per frame once the delay line is full: held frames live in pooled buffers that go back to the pool
/// when the caller's next call begins, so a released frame's pixels are valid until then.
/// </remarks>
public sealed class FrameGuard
{
    private readonly IFrameCheck _check;
    private readonly GuardOptions _options;
    private readonly Queue<(long Number, byte[] Rgb)> _held = new();
    private readonly Stack<byte[]> _free = new();
    private readonly List<byte[]> _lent = [];
    private readonly List<GuardedFrame> _released = [];
    private long _next;
    private long _lastPassedCheck = -1;
    private long _blockedUntilPassedFrom = -1;
    private byte[]? _lastReleased;
    private byte[]? _black;
    private bool _stopped;

    /// <summary>A guard checking with <paramref name="check"/>.</summary>
    public FrameGuard(IFrameCheck check, GuardOptions? options = null)
    {
        _check = check ?? throw new ArgumentNullException(nameof(check));
        _options = options ?? new GuardOptions();
        _options.Validate();
    }

    /// <summary>Hits so far.</summary>
    public int Hits { get; private set; }

    /// <summary>True after a hit with <see cref="BlockMode.Stop"/>: nothing more leaves.</summary>
    public bool Stopped => _stopped;

    /// <summary>True while frames are being replaced.</summary>
    public bool Blocking => _blockedUntilPassedFrom >= 0;

    /// <summary>
    /// Takes the next frame (its pixels are copied) and returns the frames that may now leave, in order, valid until the
    /// next call. A hit is reported through <paramref name="onHit"/> with the hit frame's number, before any frame is
    /// returned.
    /// </summary>
    public IReadOnlyList<GuardedFrame> Push(ReadOnlySpan<byte> rgb, int width, int height, Action<long>? onHit = null)
    {
        if (rgb.Length != 3 * width * height)
            throw new ArgumentException($"expected {width}x{height} RGB ({3 * width * height} bytes), got {rgb.Length}", nameof(rgb));
        TakeBackLent();
        long number = _next++;
        var buffer = Rent(rgb.Length);
        rgb.CopyTo(buffer);
        _held.Enqueue((number, buffer));
        if (number % _options.CheckEvery == 0 || _held.Count >= _options.DelayFrames)
            Check(number, rgb, width, height, onHit);
        return Release(width, height, flush: false);
    }

    /// <summary>Checks frame <paramref name="number"/>: a hit blocks from it on (or stops), a pass covers every frame up to it and may end a block.</summary>
    private void Check(long number, ReadOnlySpan<byte> rgb, int width, int height, Action<long>? onHit)
    {
        if (_check.IsHit(rgb, width, height))
        {
            Hits++;
            onHit?.Invoke(number);
            _blockedUntilPassedFrom = number + 1;
            _stopped |= _options.OnBlock == BlockMode.Stop;
        }
        else
        {
            _lastPassedCheck = number;
            if (Blocking && number - _blockedUntilPassedFrom + 1 >= _options.ResumeAfterFrames)
                _blockedUntilPassedFrom = -1;
        }
    }

    /// <summary>
    /// The frames still held when the input ends: the last one is checked (so the tail is covered), those covered by a
    /// passed check leave, the rest are replaced (never released unchecked).
    /// </summary>
    public IReadOnlyList<GuardedFrame> Flush(int width, int height)
    {
        TakeBackLent();
        if (_held.Count > 0 && !_stopped)
        {
            var (number, rgb) = _held.Last();
            if (number > _lastPassedCheck && !Blocking)
                Check(number, rgb, width, height, onHit: null);
        }
        return Release(width, height, flush: true);
    }

    private List<GuardedFrame> Release(int width, int height, bool flush)
    {
        _released.Clear();
        while (_held.Count > 0)
        {
            var (number, rgb) = _held.Peek();
            bool covered = number <= _lastPassedCheck && !Blocking;
            bool mustGo = _held.Count > _options.DelayFrames || flush || Blocking || _stopped;
            if (!covered && !mustGo)
                break;
            _held.Dequeue();
            if (covered && !_stopped)
            {
                // The frame stays the one a freeze repeats until another is released; the one before goes back to the pool.
                if (_lastReleased is not null)
                    _lent.Add(_lastReleased);
                _lastReleased = rgb;
                _released.Add(new GuardedFrame(number, rgb, Blocked: false));
                continue;
            }
            _free.Push(rgb); // never handed out
            if (!_stopped)
                _released.Add(new GuardedFrame(number, StandIn(3 * width * height), Blocked: true));
        }
        return _released;
    }

    /// <summary>What leaves instead of a blocked frame: the last frame released (freeze) or black.</summary>
    private byte[] StandIn(int length)
    {
        if (_options.OnBlock == BlockMode.Freeze && _lastReleased is { } frozen && frozen.Length == length)
            return frozen;
        if (_black is null || _black.Length != length)
            _black = new byte[length];
        return _black;
    }

    private byte[] Rent(int length)
    {
        while (_free.TryPop(out var buffer))
        {
            if (buffer.Length == length)
                return buffer;
        }
        return new byte[length];
    }

    /// <summary>Buffers the caller had until this call are free again.</summary>
    private void TakeBackLent()
    {
        foreach (var buffer in _lent)
            _free.Push(buffer);
        _lent.Clear();
    }
}
