using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Vigil.Storage;
using Xunit.Abstractions;

namespace Vigil.Cli.Tests;

/// <summary>
/// A `vigil bank import` killed with SIGKILL part-way leaves a sound database holding exactly a
/// prefix of the file in whole batches, and running the import again finishes it.
/// </summary>
public class KilledImportTests(ITestOutputHelper log)
{
    private const string Bank = "BIG";

    [Fact]
    public void AKilledImportLeavesACleanPrefixAndARerunCompletesIt()
    {
        int lines = 400_000;
        for (int attempt = 0; attempt < 2; attempt++, lines *= 2)
        {
            using var db = new TestDb();
            db.Ok("bank", "create", Bank);
            string file = Path.Combine(db.Dir, "big.te");
            string[] hashes = WriteList(file, lines, seed: 20240 + attempt);

            if (!ImportAndKill(db, file, out string childOutput))
            {
                // It finished before the kill: try again with a bigger file rather than pass vacuously.
                log.WriteLine($"attempt {attempt + 1}: the import of {lines:N0} lines finished before the kill; retrying with twice as many");
                continue;
            }

            VerifyAfterKill(db, file, hashes, childOutput, log);
            return;
        }
        Assert.Fail("the import finished before it could be killed, even with 800,000 lines");
    }

    /// <summary>Writes <paramref name="count"/> distinct random PDQ hashes, one bare hex line each.</summary>
    private static string[] WriteList(string path, int count, int seed)
    {
        var random = new Random(seed);
        var hashes = new string[count];
        var seen = new HashSet<string>(count);
        using var writer = new StreamWriter(path) { NewLine = "\n" };
        for (int i = 0; i < count; i++)
        {
            string hash;
            do hash = Hex256.Random(random); while (!seen.Add(hash));
            hashes[i] = hash;
            writer.WriteLine(hash);
        }
        return hashes;
    }

    /// <summary>Starts the import in a child process, waits for its first committed batch, then SIGKILLs it. False if it finished first.</summary>
    private static bool ImportAndKill(TestDb db, string file, out string childOutput)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "--db", db.Path, "bank", "import", Bank, file })
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var deadline = Stopwatch.StartNew();
            long seen = 0;
            while (deadline.Elapsed < TimeSpan.FromSeconds(45) && !process.HasExited)
            {
                seen = CountContent(db.Path);
                if (seen > 0)
                    break;
                Thread.Sleep(20);
            }
            if (seen == 0 && !process.HasExited)
                Assert.Fail("no batch was committed within 45 s");
            // Then a little longer, so that the kill lands anywhere: between batches, or inside one's transaction.
            Thread.Sleep(Random.Shared.Next(0, 600));
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited on its own between the check and the kill.
            }
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the killed import did not exit");
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }

        childOutput = stdout.Result + stderr.Result;
        bool finished = stdout.Result.Contains("imported big.te", StringComparison.Ordinal);
        if (finished)
            Assert.Equal(0, process.ExitCode);
        else
            Assert.NotEqual(0, process.ExitCode); // 137: SIGKILL
        return !finished;
    }

    private static void VerifyAfterKill(TestDb db, string file, string[] hashes, string childOutput, ITestOutputHelper log)
    {
        // The store opens (recovering the WAL) and the file is sound.
        long kept = db.ContentCount(Bank);
        using (var connection = Open(db.Path, SqliteOpenMode.ReadOnly))
        {
            Assert.Equal("ok", Scalar(connection, "PRAGMA integrity_check"));
            using var fk = connection.CreateCommand();
            fk.CommandText = "PRAGMA foreign_key_check";
            using (var reader = fk.ExecuteReader())
                Assert.False(reader.Read(), "foreign_key_check found rows");
            // Signals and the change log hold exactly the kept content: nothing half-written.
            Assert.Equal(kept, Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM content_signals"), CultureInfo.InvariantCulture));
            Assert.Equal(kept, Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM changes WHERE op = 'add'"), CultureInfo.InvariantCulture));
        }

        log.WriteLine($"killed with {kept:N0} of {hashes.Length:N0} lines committed");
        Assert.True(kept > 0, "the poll saw a committed batch, so the kill must not lose it");
        Assert.True(kept < hashes.Length, $"killed, yet all {hashes.Length} lines are in; child output: {childOutput}");
        Assert.True(kept % ImportOptions.DefaultBatchSize == 0, $"{kept} items kept: not a whole number of {ImportOptions.DefaultBatchSize}-item batches");

        // What is there is exactly the first K lines of the file.
        var stored = db.ExportPdq(Bank);
        Assert.Equal(kept, stored.Count);
        var prefix = hashes.Take((int)kept).ToHashSet();
        Assert.True(prefix.SetEquals(stored), "the bank is not the first K lines of the file");

        // Running the import again (as a user would: a new process) adds the rest and finds the prefix already there.
        var rerun = CliRunner.RunProcess("--db", db.Path, "bank", "import", Bank, file);
        Assert.True(rerun.ExitCode == 0, $"rerun exited {rerun.ExitCode}: {rerun.Error}");
        long total = hashes.Length;
        Assert.Equal($"{Bank}: imported big.te as te: added {total - kept:N0}, already present {kept:N0}, removed 0, removals not found 0, invalid lines 0",
            rerun.OutputLines.Single());
        Assert.Equal(total, db.ContentCount(Bank));

        using (var connection = Open(db.Path, SqliteOpenMode.ReadOnly))
        {
            Assert.Equal("ok", Scalar(connection, "PRAGMA quick_check"));
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT value FROM content_signals WHERE signal_type = 'pdq'";
            var all = new HashSet<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
                all.Add(reader.GetString(0));
            Assert.True(all.SetEquals(hashes), "after the rerun the bank does not hold exactly the file's lines");
        }
    }

    /// <summary>The bank's content count through a separate read-only connection (WAL readers never wait for the writer).</summary>
    private static long CountContent(string db)
    {
        try
        {
            using var connection = Open(db, SqliteOpenMode.ReadOnly);
            return Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM bank_content"), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0; // Busy for a moment (a checkpoint): try again.
        }
    }

    private static SqliteConnection Open(string db, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = db,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = 10,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
