using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Vigil.Storage.Tests;

/// <summary>
/// A throwaway PostgreSQL 15 cluster, started once per test run on first use: <c>initdb</c> (as the
/// <c>postgres</c> user, since initdb refuses root) into a temp directory, <c>pg_ctl start</c> on
/// 127.0.0.1 at a free port with fsync off, stopped and deleted when the test process exits.
/// Without PostgreSQL installed the tests that need it fail with a message saying how to install it.
/// The CLI tests compile this same file (linked from their project) for their replica tests.
/// </summary>
public sealed class PostgresServer
{
    /// <summary>Where Debian's postgresql-15 package puts the server programs.</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private static readonly Lazy<Task<PostgresServer>> Instance = new(() => Task.Run(Start));
    private static int s_databases;

    private readonly string _dataDirectory;
    private readonly string _rootDirectory;

    private PostgresServer(string rootDirectory, int port)
    {
        _rootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "data");
        Port = port;
    }

    public int Port { get; }

    /// <summary>The cluster, started on the first call.</summary>
    public static Task<PostgresServer> GetAsync() => Instance.Value;

    /// <summary>A connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database, string? searchPath = null) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        SearchPath = searchPath,
        Pooling = true,
        MaxPoolSize = 20,
        Timeout = 30,
        CommandTimeout = 120,
    }.ToString();

    /// <summary>Creates a new, empty database and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        string name = $"vigil_test_{Environment.ProcessId}_{Interlocked.Increment(ref s_databases)}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its connections.</summary>
    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static PostgresServer Start()
    {
        string initdb = Path.Combine(BinDirectory, "initdb");
        if (!File.Exists(initdb))
        {
            throw new InvalidOperationException(
                $"PostgreSQL 15 is not installed ({initdb} is missing): the PostgreSQL store's tests need it. " +
                "Run ./scripts/ensure-deps.sh test (or apt-get install postgresql) and try again.");
        }
        if (!File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser"))
            throw new InvalidOperationException("runuser is missing: the tests start PostgreSQL as the postgres user with it");

        DeleteLeftovers();
        string root = Directory.CreateTempSubdirectory("vigil-pg-").FullName;
        string data = Path.Combine(root, "data");
        Run("chown", "postgres:postgres", root);
        AsPostgres(initdb, "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync");

        var server = new PostgresServer(root, FreePort());
        AsPostgres(Path.Combine(BinDirectory, "pg_ctl"), "start", "-D", data, "-w", "-t", "60", "-l", Path.Combine(root, "server.log"), "-o",
            $"-c listen_addresses=127.0.0.1 -c port={server.Port} -c unix_socket_directories={root} -c fsync=off " +
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=128MB");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        StartWatchdog(root, data);
        return server;
    }

    private void Stop()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            AsPostgres(Path.Combine(BinDirectory, "pg_ctl"), "stop", "-D", _dataDirectory, "-m", "immediate", "-w");
        }
        catch (InvalidOperationException)
        {
            // Best effort at exit: the directory goes below either way.
        }
        DeleteDirectory(_rootDirectory);
    }

    /// <summary>Deletes clusters that earlier runs left behind (a killed test host cannot clean up), unless still running.</summary>
    private static void DeleteLeftovers()
    {
        foreach (var directory in Directory.EnumerateDirectories(System.IO.Path.GetTempPath(), "vigil-pg-*"))
        {
            if (!File.Exists(System.IO.Path.Combine(directory, "data", "postmaster.pid")))
                DeleteDirectory(directory);
        }
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Run("rm", "-rf", "--", directory);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            // Best effort: a leftover temp folder must not fail a test run.
        }
    }

    /// <summary>
    /// A detached shell that waits for this process to end (however it ends, even killed) and then
    /// stops the cluster and deletes its directory: the test host may be killed before its exit
    /// handlers finish.
    /// </summary>
    private static void StartWatchdog(string root, string data)
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in new[]
        {
            "sh", "-c",
            "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; " +
            "runuser -u postgres -- \"$2\" stop -D \"$3\" -m immediate -w >/dev/null 2>&1; rm -rf -- \"$4\"",
            "vigil-pg-watchdog", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Path.Combine(BinDirectory, "pg_ctl"), data, root,
        })
        {
            start.ArgumentList.Add(argument);
        }
        Process.Start(start)?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void AsPostgres(string program, params string[] arguments) =>
        Run("runuser", ["-u", "postgres", "--", program, .. arguments]);

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        // Read both pipes to the end before waiting (pg_ctl's server keeps no handle on them: it logs to a file).
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {stderr.Result}{stdout.Result}");
        }
    }
}
