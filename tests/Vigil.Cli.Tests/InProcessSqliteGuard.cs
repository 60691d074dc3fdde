using System.Runtime.CompilerServices;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Tests;

/// <summary>
/// The test host runs image decoding and database commands in one long-lived process in any order,
/// so it takes the same precaution as the vigil program's entry point before any test runs (see
/// <see cref="SqliteNativeLibrary"/>).
/// </summary>
internal static class InProcessSqliteGuard
{
    [ModuleInitializer]
    internal static void LoadSqliteFirst() => SqliteNativeLibrary.LoadFirst();
}
