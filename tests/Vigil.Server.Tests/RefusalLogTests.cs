using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Vigil.Storage;

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
    protected override ServerSettings Settings => base.Settings with { FailedKeyBurstPerAddress = 5, FailedKeysPerSecondPerAddress = 1, KeyCacheTime = TimeSpan.FromMinutes(1) };

    [Fact]
    public async Task Too_many_bad_keys_from_one_address_are_429_and_good_keys_still_work()
    {
        string good = await KeyAsync(ApiKeyRole.Matcher);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/c/banks", good)).StatusCode);

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 8; i++)
            statuses.Add((await SendAsync(HttpMethod.Get, "/c/banks", $"made-up-{i}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.Unauthorized), 5, 6);
        var limited = await SendAsync(HttpMethod.Get, "/c/banks", "made-up-again");
        await AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, "too many failed keys");
        Assert.Equal("1", limited.Headers.RetryAfter?.ToString());

        // The verified key is cached and still answered; a request with no key is still a 401.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/c/banks", good)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/c/banks", null)).StatusCode);

        // The budget refills at one a second.
        await Task.Delay(2200);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/c/banks", "made-up-later")).StatusCode);
    }
}
