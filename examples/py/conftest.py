import sys
from pathlib import Path

# Make `import shop` work when pytest runs from the workspace root or from py/.
sys.path.insert(0, str(Path(__file__).parent))
