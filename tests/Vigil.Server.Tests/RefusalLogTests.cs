using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>401 answers are logged with the remote address, at most ten lines a second, the rest counted.</summary>
public sealed class RefusalLogTests : LiveServerTest
{
    private readonly CapturingLoggerProvider _logs = new();

    protected override void ConfigureLogging(ILoggingBuilder logging) => logging.AddProvider(_logs);

    [Fact]
    public async Task A_flood_of_bad_keys_is_logged_in_a_bounded_number_of_lines()
    {
        for (int i = 0; i < 60; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/c/banks", $"made-up-{i}")).StatusCode);
        // A later refusal, in a later second, reports how many went untold before it.
        await Task.Delay(1100);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/c/banks", null)).StatusCode);

        var lines = _logs.Lines.Where(l => l.Contains("401", StringComparison.Ordinal)).ToList();
        var single = lines.Where(l => l.StartsWith("401 for GET /c/banks from 127.0.0.1", StringComparison.Ordinal)).ToList();
        Assert.InRange(single.Count, 2, 2 * ApiKeyAuthentication.RefusalLinesPerSecond + 1);
        Assert.Contains(single, l => l.EndsWith("unknown key", StringComparison.Ordinal));
        Assert.Contains(single, l => l.EndsWith("no key", StringComparison.Ordinal));
        int untold = lines.Where(l => l.Contains("more 401 answers were not logged", StringComparison.Ordinal))
            .Sum(l => int.Parse(l.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(61, single.Count + untold);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                    lines.Enqueue(formatter(state, exception));
            }
        }
    }
}

/// <summary>An address that sends many bad keys gets 429 without store reads; keys already verified keep working.</summary>
public sealed class FailedKeyLimitTests : LiveServerTest
{
    private readonly ManualClock _clock = new();

    protected override ServerSettings Settings => base.Settings with { FailedKeyBurstPerAddress = 5, FailedKeysPerSecondPerAddress = 1, KeyCacheTime = TimeSpan.FromMinutes(1) };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    [Fact]
    public async Task Too_many_bad_keys_from_one_address_are_429_and_good_keys_still_work()
    {
        string good = await KeyAsync(ApiKeyRole.Matcher);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/c/banks", good)).StatusCode);

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 8; i++)
            statuses.Add((await SendAsync(HttpMethod.Get, "/c/banks", $"made-up-{i}")).StatusCode);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
        var limited = await SendAsync(HttpMethod.Get, "/c/banks", "made-up-again");
        await AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, "too many failed keys");
        Assert.Equal("1", limited.Headers.RetryAfter?.ToString());

        // The verified key is cached and still answered; a request with no key is still a 401.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/c/banks", good)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/c/banks", null)).StatusCode);

        // A fraction of a second refills a fraction of a token: still limited (the old limiter let it through).
        _clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(HttpMethod.Get, "/c/banks", "made-up-soon")).StatusCode);
        // The budget refills at one a second: one more try, then limited again.
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/c/banks", "made-up-later")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(HttpMethod.Get, "/c/banks", "made-up-after")).StatusCode);
    }
}

/// <summary>The limiter itself, on a clock the test moves.</summary>
public sealed class FailedKeyLimiterTests
{
    private static readonly IPAddress One = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Other = IPAddress.Parse("192.0.2.2");

    [Fact]
    public void The_README_figures_hold_101st_bad_key_is_refused_and_ten_a_second_come_back()
    {
        var clock = new ManualClock();
        var limiter = new FailedKeyLimiter(new ServerSettings(), clock);
        int allowed = 0;
        for (int i = 0; i < 150; i++)
        {
            if (limiter.IsLimited(One))
                continue;
            allowed++;
            limiter.RecordFailure(One);
        }
        Assert.Equal(100, allowed);
        Assert.False(limiter.IsLimited(Other));

        // 30 ms is 0.3 of a token at 10 a second: not yet (the fractional refill the old probe mistook for a token).
        clock.Advance(TimeSpan.FromMilliseconds(30));
        Assert.True(limiter.IsLimited(One));
        clock.Advance(TimeSpan.FromMilliseconds(70));
        Assert.False(limiter.IsLimited(One));
        limiter.RecordFailure(One);
        Assert.True(limiter.IsLimited(One));

        clock.Advance(TimeSpan.FromSeconds(1));
        int refilled = 0;
        while (!limiter.IsLimited(One))
        {
            limiter.RecordFailure(One);
            refilled++;
        }
        Assert.Equal(10, refilled);
    }

    [Fact]
    public void Idle_addresses_are_forgotten_once_many_are_tracked()
    {
        var clock = new ManualClock();
        var limiter = new FailedKeyLimiter(new ServerSettings(), clock);
        for (int i = 0; i < 5000; i++)
            limiter.RecordFailure(new IPAddress(BitConverter.GetBytes(0x0A000000 + i)));
        Assert.True(limiter.TrackedAddresses > 4000);
        clock.Advance(TimeSpan.FromSeconds(1));
        limiter.RecordFailure(One);
        Assert.True(limiter.TrackedAddresses < 10, $"{limiter.TrackedAddresses} addresses still tracked");
    }
}
