namespace Vigil.Media; internal static class Placeholder {}
