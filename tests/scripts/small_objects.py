# Many small objects kept alive: invisible at malloc level (pymalloc
# carves them from arenas), each one visible with --trace-python-allocators.
def make_small():
    return [str(i) * 2 for i in range(100000)]


if __name__ == "__main__":
    keep = make_small()
    print(len(keep))
